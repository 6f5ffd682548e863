#include "store_luks.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console_ask.h"
#include "dm.h"
#include "fs_driver.h"
#include "log.h"

/* cryptsetup(8): exit 2 is "no key available with this passphrase". */
#define CRYPTSETUP_WRONG_KEY 2

/* Runs cryptsetup open with the passphrase on its stdin; its exit status,
 * or -errno. */
static int cryptsetup_open(const char *device, const char *name, bool read_only,
			   const char *pass)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
	int in[2], status;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return -errno;
	}
	if (pid == 0) {
		dup2(in[0], STDIN_FILENO);
		if (read_only)
			execlp("cryptsetup", "cryptsetup", "open", "--type", "luks", "--readonly",
			       "--key-file=-", device, name, (char *)NULL);
		else
			execlp("cryptsetup", "cryptsetup", "open", "--type", "luks", "--key-file=-",
			       device, name, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	/* cryptsetup gone early is an EPIPE here, not our death; only for this
	 * write, so that later children (e2fsck) start with SIGPIPE as usual. */
	sigaction(SIGPIPE, &ignore, &old);
	if (write(in[1], pass, strlen(pass)) < 0) {
		/* cryptsetup exited early: its status says why */
	}
	sigaction(SIGPIPE, &old, NULL);
	close(in[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/* dm-crypt and LUKS2's default cipher, aes-xts-plain64 (crypto/xts.c
 * builds on ecb(aes)): the on-demand modules of modules.list. The kernel
 * would ask modprobe for them by alias ("crypto-xts(aes)"); loading them
 * by name does not depend on the image's modprobe knowing aliases. */
static void load_drivers(void)
{
	static const char *const mods[] = { "dm-crypt", "ecb", "xts", "aesni-intel", "aes_generic" };

	/* Built in, or absent on this CPU (aesni-intel): no complaint. */
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		modprobe_quiet(mods[i]);
}

int luks_unlock(const char *device, const char *what, const char *name, bool read_only,
		char *mapper, size_t len)
{
	struct console_asker asker;
	char prompt[512], pass[512];
	int ret = -EACCES;

	load_drivers();
	log_notice("%s is encrypted: asking for its passphrase on the console", what);
	ret = console_ask_open(&asker);
	if (ret < 0) {
		log_warn("no console to ask the passphrase for %s on", what);
		return ret;
	}
	ret = -EACCES;
	for (int try = 1; try <= LUKS_TRIES; try++) {
		int got;

		snprintf(prompt, sizeof(prompt),
			 "\nPassphrase for the persistence store %s%s: ", what,
			 try > 1 ? " (try again)" : "");
		got = console_ask_line(&asker, prompt, pass, sizeof(pass), LUKS_ASK_TIMEOUT_S);
		if (got < 0) {
			log_warn("no passphrase for %s: %s", what,
				 got == -ETIMEDOUT ? "nobody answered" : strerror(-got));
			ret = got;
			break;
		}
		ret = cryptsetup_open(device, name, read_only, pass);
		explicit_bzero(pass, sizeof(pass));
		if (ret == 0) {
			snprintf(mapper, len, DM_MAPPER_DIR "/%s", name);
			log_notice("%s unlocked at %s", what, mapper);
			break;
		}
		if (ret == 127) {
			log_err("cryptsetup is not in this image: %s cannot be unlocked", what);
			ret = -ENOENT;
			break;
		}
		if (ret != CRYPTSETUP_WRONG_KEY) {
			log_err("cryptsetup could not open %s (exit %d)", what, ret);
			ret = -EIO;
			break;
		}
		log_warn("wrong passphrase for %s (try %d of %d)", what, try, LUKS_TRIES);
		ret = -EACCES;
	}
	console_ask_close(&asker);
	explicit_bzero(pass, sizeof(pass));
	return ret;
}

void luks_close(const char *name)
{
	int ret = dm_remove(name);

	if (ret < 0)
		log_warn("cannot close %s%s: %s", DM_MAPPER_DIR "/", name, strerror(-ret));
}

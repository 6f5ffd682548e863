/* LUKS-encrypted stores (live-boot's persistence-encryption=luks, Kali's
 * encrypted persistence): unlocked with Debian's cryptsetup, the
 * passphrase asked on the consoles. */
#ifndef VTOY_STORE_LUKS_H
#define VTOY_STORE_LUKS_H

#include <stdbool.h>
#include <stddef.h>

#define LUKS_TRIES 3
#define LUKS_ASK_TIMEOUT_S 180

/* Asks for the passphrase of the LUKS volume device (what: how the user
 * knows it, "/dev/sdb1 (LUKS, label x, uuid y)") on every console, up to
 * LUKS_TRIES times, and opens it as /dev/mapper/NAME with `cryptsetup
 * open --key-file=-` (the passphrase goes through a pipe, never a file, an
 * argument or a log; --readonly with read_only). device may be an image
 * file: cryptsetup loops it itself. The dm-crypt driver is loaded first. Returns 0 with
 * the mapper node in mapper, -EACCES after LUKS_TRIES wrong passphrases,
 * -ETIMEDOUT when nobody answered in LUKS_ASK_TIMEOUT_S seconds, -ENOENT
 * when cryptsetup is not in the image, or -errno. */
int luks_unlock(const char *device, const char *what, const char *name, bool read_only,
		char *mapper, size_t len);

/* Closes /dev/mapper/NAME (device-mapper remove, as cryptsetup close). */
void luks_close(const char *name);

#endif

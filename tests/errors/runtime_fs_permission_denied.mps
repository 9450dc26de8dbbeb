# A read-only sysfs attribute refuses writing to everyone, root included (root passes the
# permission checks of ordinary files, so chmod 000 cannot show this error in tests run as root).
fs.write("/sys/kernel/notes", "x")

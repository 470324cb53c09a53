package workload

import (
	"os"
	"syscall"
)

// fdatasync flushes the file's data to the disk, as bbolt does on Linux.
func fdatasync(file *os.File) error { return syscall.Fdatasync(int(file.Fd())) }

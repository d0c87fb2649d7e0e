# Runs a command on a new pseudo-terminal and relays it over plain pipes: the terminal to stdout,
# and frames on stdin: input for the terminal, or a new window size. One stream keeps their order
# (a resize sent before a keystroke is applied before the program reads it; over two pipes the
# keystroke could overtake it). A frame is one type byte (0: input, 1: "COLS ROWS"), a 4-byte
# big-endian length, and that many bytes.
# Node has no pseudo-terminals without a native module (node-pty), and a native module
# cannot be built here (node-gyp fetches headers from the internet); Debian's Python can.
#
# usage: pty-relay.py COLS ROWS -- COMMAND [ARG...]; exits with the command's status
# (128 + N when signal N ended it). EOF on stdin hangs the terminal up (SIGHUP).
import errno, fcntl, os, pty, select, signal, struct, sys, termios


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def write_all(fd, data):
    while data:
        data = data[os.write(fd, data) :]


def main():
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    argv = sys.argv[4:]
    pid, master = pty.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    set_size(master, cols, rows)
    readers = [master, 0]
    pending = b""
    while master in readers:
        ready, _, _ = select.select(readers, [], [])
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError as err:
                if err.errno != errno.EIO:
                    raise
                data = b""  # EIO: every process holding the terminal has ended
            if fd == master:
                if not data:
                    readers.remove(master)
                else:
                    try:
                        os.write(1, data)
                    except BrokenPipeError:
                        os.kill(pid, signal.SIGHUP)
                        readers = []
            else:
                if not data:
                    if 0 in readers:
                        readers.remove(0)
                    os.kill(pid, signal.SIGHUP)
                    continue
                pending += data
                while len(pending) >= 5:
                    size = int.from_bytes(pending[1:5], "big")
                    if len(pending) < 5 + size:
                        break
                    kind, body, pending = pending[0], pending[5 : 5 + size], pending[5 + size :]
                    if kind == 0:
                        write_all(master, body)
                    elif kind == 1:
                        parts = body.split()
                        if len(parts) == 2 and all(p.isdigit() for p in parts):
                            set_size(master, min(int(parts[0]), 1000), min(int(parts[1]), 1000))
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    sys.exit(128 - code if code < 0 else code)


main()

#!/usr/bin/python3
"""Run a command in a pseudo-terminal, answer its prompt(s), relay the rest of its output.

    PTY_ANSWER=secret pty_answer.py [--prompt REGEX] [--answers N] [--timeout SECONDS] -- COMMAND [ARG...]

With --answers N the same answer is typed at each of the first N prompts (`openstack user create
--password-prompt` asks twice: "User Password:" and "Repeat User Password:").

The openstack CLI reads a missing password with getpass from /dev/tty, and only when stdin is a terminal, so a pipe
cannot answer it. getpass also sets the terminal with TCSAFLUSH before it writes the prompt, discarding anything
typed earlier: the answer is written only once the prompt has been seen.

The answer comes from the environment variable PTY_ANSWER, removed before COMMAND starts, so that it never shows in a
process listing. Everything the command writes to the terminal (stdout and stderr together, with CRLF line ends) is
copied to our stdout. Standard library only.

Exit status: the command's (128+N when killed by signal N); 124 on timeout (the prompt did not come, or the command
did not finish, within SECONDS of the start); 125 when the command ended without showing the prompt; 2 on usage errors.
"""

import argparse
import errno
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

# Wide enough that cliff does not wrap a Fernet token inside a table cell.
COLUMNS = 500
ROWS = 50


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--prompt', default=r'Password: ?$', help='regular expression for the prompt')
    parser.add_argument('--timeout', type=float, default=60.0, help='seconds for the whole command')
    parser.add_argument('--answers', type=int, default=1, help='how many prompts to answer')
    parser.add_argument('command', nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ['--'] else args.command
    if not command:
        parser.error('no command given')
    answer = os.environ.pop('PTY_ANSWER', None)
    if answer is None:
        parser.error('PTY_ANSWER is not set')
    prompt = re.compile(args.prompt, re.MULTILINE)
    deadline = time.monotonic() + args.timeout

    pid, fd = pty.fork()
    if pid == 0:
        try:
            fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack('HHHH', ROWS, COLUMNS, 0, 0))
            os.execvpe(command[0], command, os.environ)
        except OSError as e:
            sys.stderr.write('pty_answer: cannot run %s: %s\n' % (command[0], e))
        finally:
            os._exit(127)

    out = sys.stdout.buffer
    seen = ''
    answered = False
    answers = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            waiting_for = 'the command to finish' if answered else 'the prompt %r' % args.prompt
            sys.stderr.write('pty_answer: timed out after %gs waiting for %s\n' % (args.timeout, waiting_for))
            return 124
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError as e:
            # Linux reports the end of a pty whose other side closed as EIO.
            if e.errno != errno.EIO:
                raise
            chunk = b''
        if not chunk:
            break
        out.write(chunk)
        out.flush()
        if answers < args.answers:
            seen += chunk.decode('utf-8', 'replace')
            if prompt.search(seen):
                os.write(fd, answer.encode('utf-8') + b'\n')
                answers += 1
                answered = answers == args.answers
                seen = ''

    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        code = 128 - code
    if not answered:
        sys.stderr.write('pty_answer: the command ended (exit %d) without showing the prompt %r\n' % (code, args.prompt))
        return 125
    return code


if __name__ == '__main__':
    sys.exit(main())

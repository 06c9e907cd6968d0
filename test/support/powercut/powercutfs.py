#!/usr/bin/python3
"""powercutfs: a FUSE file system that loses what was not fsynced when the power is cut.

In the spirit of Jepsen's LazyFS. The backing directory plays the disk: it only ever holds durable state.
This process's memory plays the page cache. A power cut is this process exiting without flushing.

Model (see docs/store.md, "Power cuts for real"):

* File data. Per file, the durable content is its backing file as of its last fsync or fdatasync. Writes
  and truncations after that sit in a per-file overlay in memory (dirty 4 KiB pages plus the current size);
  reads see them. fsync/fdatasync writes the overlay into the backing file (and, with --host-fsync, fsyncs
  that file on the host) and empties it. close() makes nothing durable.
* Directory entries. Per directory, the durable entries are those as of the directory's last fsync; a
  create, mkdir, unlink, rmdir or rename changes only the current entries. fsync of a directory makes its
  current entries durable. So a new file whose directory was never fsynced vanishes at a cut (even if the
  file's own data was fsynced), an unlinked file comes back, and a rename is durable only after the
  directory (both directories, when it crosses) is fsynced. A file or folder durably named nowhere at
  mount time is an orphan and is deleted (fsck does the same).
* The cut. `cut <mode> <seed>` on stdin: every unsynced write and directory change is dropped, except:
    drop       nothing else survives.
    tear       the last unsynced write (over all files) is torn: either a random prefix of it reaches the
               disk, or a random subset of its 512- or 4096-byte sectors does (`tear-prefix` and
               `tear-sectors` pick one of the two).
    writeback  the page cache may have written anything back before the power went: each unsynced write
               independently survives whole or not, each directory's pending entries independently become
               durable or not, and the last write may be torn as above. (Pending truncations are dropped.)
  The process then prints `CUT <json>` (what was pending, what survived), unmounts and prints DOWN. The
  command `mount` mounts the backing directory again (a fresh file system state read from the disk: the
  machine coming back) and prints READY.
* EOF on stdin (the test runner died) is a cut in `drop` mode, then the process exits: nothing stays
  mounted behind it.

Backing layout: meta.json (durable directory entries, kinds and modes of inodes, the next inode number) and
data/<inode> (durable content of each regular file).

Usage: powercutfs.py BACKING MOUNTPOINT [--host-fsync]. Prints READY when mounted. Runs as root.
Without --host-fsync the backing files are not fsynced on the host: the host does not lose power in a test.
"""

import errno
import faulthandler
import json
import os
import random
import signal
import stat
import sys
import threading
import time

import pyfuse3
import trio

PAGE = 4096
ROOT = pyfuse3.ROOT_INODE
TIMEOUT = 5.0  # the kernel is our only client: its caches stay coherent until the unmount


class Node:
    """One inode. Directories: `entries` (current) and `durable` (as of the last fsync of the directory).
    Regular files: `size`, `floor` (bytes of the backing file at or past it are stale), `pages` (dirty
    pages) and `writes` (unsynced writes in order, kept for the cut)."""

    def __init__(self, ino, kind, mode):
        self.ino = ino
        self.kind = kind
        self.mode = mode
        self.parent = ROOT
        self.entries = {}
        self.durable = {}
        self.size = 0
        self.floor = 0
        self.pages = {}
        self.writes = []
        self.dirty = False
        self.fd = None
        now = time.time_ns()
        self.mtime = self.ctime = self.atime = now


class PowercutFS(pyfuse3.Operations):
    def __init__(self, backing, host_fsync):
        super().__init__()
        self.backing = backing
        self.host_fsync = host_fsync
        self.data_dir = os.path.join(backing, 'data')
        os.makedirs(self.data_dir, exist_ok=True)
        self.nodes = {}
        self.seq = 0
        self.dead = False
        self.stats = {'fsyncs': 0, 'dirFsyncs': 0}
        self._load()

    # ------------------------------------------------------------------ the disk (backing directory)

    def _load(self):
        meta_path = os.path.join(self.backing, 'meta.json')
        meta = {'nextIno': ROOT + 1, 'inodes': {str(ROOT): {'kind': 'dir', 'mode': 0o40755, 'entries': {}}}}
        if os.path.exists(meta_path):
            with open(meta_path, 'r', encoding='utf-8') as f:
                meta = json.load(f)
        self.next_ino = meta['nextIno']
        records = {int(k): v for k, v in meta['inodes'].items()}
        # Only what is durably reachable from the root exists; the rest are orphans.
        stack = [(ROOT, ROOT)]
        while stack:
            ino, parent = stack.pop()
            if ino in self.nodes:
                continue
            rec = records.get(ino, {'kind': 'file', 'mode': 0o100644})
            node = Node(ino, rec['kind'], rec['mode'])
            node.parent = parent
            self.nodes[ino] = node
            if node.kind == 'dir':
                node.durable = {os.fsencode(n): int(i) for n, i in rec.get('entries', {}).items()}
                node.entries = dict(node.durable)
                stack.extend((child, ino) for child in node.entries.values())
            else:
                try:
                    node.size = node.floor = os.stat(self._data(ino)).st_size
                except FileNotFoundError:
                    pass
        for name in os.listdir(self.data_dir):
            if not name.isdigit() or int(name) not in self.nodes:
                os.unlink(os.path.join(self.data_dir, name))
        self._records = records

    def _data(self, ino):
        return os.path.join(self.data_dir, str(ino))

    def _fd(self, node):
        if node.fd is None:
            node.fd = os.open(self._data(node.ino), os.O_RDWR | os.O_CREAT, 0o600)
        return node.fd

    def _write_meta(self):
        inodes = {}
        for ino, node in self.nodes.items():
            rec = {'kind': node.kind, 'mode': node.mode}
            if node.kind == 'dir':
                rec['entries'] = {os.fsdecode(n): i for n, i in node.durable.items()}
            inodes[str(ino)] = rec
        tmp = os.path.join(self.backing, 'meta.json.tmp')
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump({'nextIno': self.next_ino, 'inodes': inodes}, f)
            if self.host_fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, os.path.join(self.backing, 'meta.json'))

    # ------------------------------------------------------------------ file content (page cache)

    def _page(self, node, idx):
        page = node.pages.get(idx)
        if page is not None:
            return page
        page = bytearray(PAGE)
        start = idx * PAGE
        valid = min(node.floor, node.size) - start
        if valid > 0:
            got = os.pread(self._fd(node), min(valid, PAGE), start)
            page[: len(got)] = got
        return page

    def _read(self, node, off, size):
        end = min(node.size, off + size)
        out = bytearray()
        pos = off
        while pos < end:
            idx, within = divmod(pos, PAGE)
            n = min(PAGE - within, end - pos)
            out += self._page(node, idx)[within: within + n]
            pos += n
        return bytes(out)

    def _write(self, node, off, buf):
        pos = off
        view = memoryview(buf)
        while view:
            idx, within = divmod(pos, PAGE)
            page = self._page(node, idx)
            n = min(PAGE - within, len(view))
            page[within: within + n] = view[:n]
            node.pages[idx] = page
            view = view[n:]
            pos += n
        node.size = max(node.size, off + len(buf))
        self.seq += 1
        node.writes.append((self.seq, off, bytes(buf)))
        node.dirty = True
        node.mtime = node.ctime = time.time_ns()

    def _truncate(self, node, size):
        if size < node.size:
            node.floor = min(node.floor, size)
            for idx in [i for i in node.pages if i * PAGE >= size]:
                del node.pages[idx]
            idx, within = divmod(size, PAGE)
            if within and idx in node.pages:
                node.pages[idx][within:] = bytes(PAGE - within)
        node.size = size
        node.dirty = True
        node.mtime = node.ctime = time.time_ns()

    def _sync(self, node):
        self.stats['fsyncs'] += 1
        if node.kind != 'file' or not node.dirty:
            return
        fd = self._fd(node)
        os.ftruncate(fd, min(node.floor, node.size))  # what the overlay truncated away is gone
        for idx, page in node.pages.items():
            start = idx * PAGE
            if start < node.size:
                os.pwrite(fd, bytes(page[: min(PAGE, node.size - start)]), start)
        os.ftruncate(fd, node.size)
        if self.host_fsync:
            os.fsync(fd)
        node.pages.clear()
        node.writes.clear()
        node.floor = node.size
        node.dirty = False

    def _sync_dir(self, node):
        self.stats['dirFsyncs'] += 1
        if node.kind == 'dir' and node.durable != node.entries:
            node.durable = dict(node.entries)
            self._write_meta()

    def close(self):
        for node in self.nodes.values():
            if node.fd is not None:
                os.close(node.fd)
                node.fd = None

    # ------------------------------------------------------------------ the cut

    def cut(self, mode, seed):
        rng = random.Random(seed)
        self.dead = True
        files = [n for n in self.nodes.values() if n.kind == 'file' and n.writes]
        dirs = [n for n in self.nodes.values() if n.kind == 'dir' and n.durable != n.entries]
        writes = sorted((w for n in files for w in ((s, n, o, d) for s, o, d in n.writes)), key=lambda w: w[0])
        report = {
            'mode': mode,
            'pendingWrites': len(writes),
            'pendingBytes': sum(len(w[3]) for w in writes),
            'pendingDirs': len(dirs),
            'keptWrites': 0,
            'keptDirs': 0,
            'torn': None,
        }
        tears = mode.startswith('tear') or mode == 'writeback'
        last = writes.pop() if writes and tears else None
        if mode == 'writeback':
            for _, node, off, data in writes:
                if rng.random() < 0.5:
                    os.pwrite(self._fd(node), data, off)
                    report['keptWrites'] += 1
            for node in dirs:
                if rng.random() < 0.5:
                    node.durable = dict(node.entries)
                    report['keptDirs'] += 1
            if report['keptDirs']:
                self._write_meta()
        if last is not None:
            _, node, off, data = last
            how = mode[5:] if mode in ('tear-prefix', 'tear-sectors') else rng.choice(('prefix', 'sectors'))
            if how == 'prefix':
                keep = rng.randrange(len(data) + 1)
                os.pwrite(self._fd(node), data[:keep], off)
                report['torn'] = {'how': 'prefix', 'bytes': len(data), 'kept': keep}
            else:
                sector = rng.choice((512, 4096))
                kept = 0
                pos = off
                while pos < off + len(data):
                    end = min((pos // sector + 1) * sector, off + len(data))
                    if rng.random() < 0.5:
                        os.pwrite(self._fd(node), data[pos - off: end - off], pos)
                        kept += end - pos
                    pos = end
                report['torn'] = {'how': f'sectors{sector}', 'bytes': len(data), 'kept': kept}
        return report

    # ------------------------------------------------------------------ FUSE operations

    def _node(self, ino):
        if self.dead:
            raise pyfuse3.FUSEError(errno.EIO)
        node = self.nodes.get(ino)
        if node is None:
            raise pyfuse3.FUSEError(errno.ENOENT)
        return node

    def _attr(self, node):
        a = pyfuse3.EntryAttributes()
        a.st_ino = node.ino
        a.generation = 0
        a.entry_timeout = TIMEOUT
        a.attr_timeout = TIMEOUT
        a.st_mode = node.mode
        if node.kind == 'dir':
            a.st_nlink = 2
            a.st_size = 4096
        else:
            a.st_nlink = sum(1 for d in self.nodes.values() if d.kind == 'dir' for i in d.entries.values() if i == node.ino)
            a.st_size = node.size
        a.st_uid = os.getuid()
        a.st_gid = os.getgid()
        a.st_rdev = 0
        a.st_blksize = PAGE
        a.st_blocks = (a.st_size + 511) // 512
        a.st_atime_ns = node.atime
        a.st_mtime_ns = node.mtime
        a.st_ctime_ns = node.ctime
        return a

    def _dir(self, ino):
        node = self._node(ino)
        if node.kind != 'dir':
            raise pyfuse3.FUSEError(errno.ENOTDIR)
        return node

    def _child(self, parent, name):
        ino = parent.entries.get(name)
        if ino is None:
            raise pyfuse3.FUSEError(errno.ENOENT)
        return self.nodes[ino]

    def _new(self, parent, name, kind, mode):
        if name in parent.entries:
            raise pyfuse3.FUSEError(errno.EEXIST)
        node = Node(self.next_ino, kind, mode)
        self.next_ino += 1
        node.parent = parent.ino
        self.nodes[node.ino] = node
        parent.entries[name] = node.ino
        parent.mtime = parent.ctime = time.time_ns()
        return node

    async def lookup(self, parent_inode, name, ctx=None):
        parent = self._dir(parent_inode)
        if name == b'.':
            return self._attr(parent)
        if name == b'..':
            return self._attr(self._node(parent.parent))
        return self._attr(self._child(parent, name))

    async def forget(self, inode_list):
        pass

    async def getattr(self, inode, ctx=None):
        return self._attr(self._node(inode))

    async def setattr(self, inode, attr, fields, fh, ctx):
        node = self._node(inode)
        if fields.update_size:
            if node.kind != 'file':
                raise pyfuse3.FUSEError(errno.EISDIR)
            self._truncate(node, attr.st_size)
        if fields.update_mode:
            node.mode = (node.mode & ~0o7777) | (attr.st_mode & 0o7777)
        if fields.update_mtime:
            node.mtime = attr.st_mtime_ns
        if fields.update_atime:
            node.atime = attr.st_atime_ns
        node.ctime = time.time_ns()
        return self._attr(node)

    async def mknod(self, parent_inode, name, mode, rdev, ctx):
        if not stat.S_ISREG(mode):
            raise pyfuse3.FUSEError(errno.EPERM)
        return self._attr(self._new(self._dir(parent_inode), name, 'file', mode))

    async def mkdir(self, parent_inode, name, mode, ctx):
        return self._attr(self._new(self._dir(parent_inode), name, 'dir', stat.S_IFDIR | (mode & 0o7777)))

    async def create(self, parent_inode, name, mode, flags, ctx):
        parent = self._dir(parent_inode)
        node = self._new(parent, name, 'file', stat.S_IFREG | (mode & 0o7777))
        return pyfuse3.FileInfo(fh=node.ino), self._attr(node)

    async def unlink(self, parent_inode, name, ctx):
        parent = self._dir(parent_inode)
        if self._child(parent, name).kind == 'dir':
            raise pyfuse3.FUSEError(errno.EISDIR)
        del parent.entries[name]
        parent.mtime = parent.ctime = time.time_ns()

    async def rmdir(self, parent_inode, name, ctx):
        parent = self._dir(parent_inode)
        node = self._child(parent, name)
        if node.kind != 'dir':
            raise pyfuse3.FUSEError(errno.ENOTDIR)
        if node.entries:
            raise pyfuse3.FUSEError(errno.ENOTEMPTY)
        del parent.entries[name]
        parent.mtime = parent.ctime = time.time_ns()

    async def rename(self, parent_inode_old, name_old, parent_inode_new, name_new, flags, ctx):
        old = self._dir(parent_inode_old)
        new = self._dir(parent_inode_new)
        node = self._child(old, name_old)
        if flags & pyfuse3.RENAME_EXCHANGE:
            raise pyfuse3.FUSEError(errno.EINVAL)
        target = new.entries.get(name_new)
        if target is not None:
            if flags & pyfuse3.RENAME_NOREPLACE:
                raise pyfuse3.FUSEError(errno.EEXIST)
            tnode = self.nodes[target]
            if tnode.kind == 'dir' and tnode.entries:
                raise pyfuse3.FUSEError(errno.ENOTEMPTY)
            if (tnode.kind == 'dir') != (node.kind == 'dir'):
                raise pyfuse3.FUSEError(errno.EISDIR if tnode.kind == 'dir' else errno.ENOTDIR)
        del old.entries[name_old]
        new.entries[name_new] = node.ino
        if node.kind == 'dir':
            node.parent = new.ino
        now = time.time_ns()
        old.mtime = old.ctime = new.mtime = new.ctime = node.ctime = now

    async def link(self, inode, new_parent_inode, new_name, ctx):
        raise pyfuse3.FUSEError(errno.EPERM)

    async def open(self, inode, flags, ctx):
        node = self._node(inode)
        if node.kind != 'file':
            raise pyfuse3.FUSEError(errno.EISDIR)
        if flags & os.O_TRUNC:
            self._truncate(node, 0)
        return pyfuse3.FileInfo(fh=inode)

    async def read(self, fh, off, size):
        node = self._node(fh)
        node.atime = time.time_ns()
        return self._read(node, off, size)

    async def write(self, fh, off, buf):
        self._write(self._node(fh), off, buf)
        return len(buf)

    async def flush(self, fh):
        self._node(fh)

    async def release(self, fh):
        pass

    async def fsync(self, fh, datasync):
        self._sync(self._node(fh))

    async def opendir(self, inode, ctx):
        self._dir(inode)
        return inode

    async def readdir(self, fh, start_id, token):
        node = self._dir(fh)
        names = sorted(node.entries)
        for i in range(start_id, len(names)):
            child = self.nodes[node.entries[names[i]]]
            if not pyfuse3.readdir_reply(token, names[i], self._attr(child), i + 1):
                break

    async def releasedir(self, fh):
        pass

    async def fsyncdir(self, fh, datasync):
        self._sync_dir(self._dir(fh))

    async def statfs(self, ctx):
        st = os.statvfs(self.backing)
        s = pyfuse3.StatvfsData()
        for field in ('f_bsize', 'f_frsize', 'f_blocks', 'f_bfree', 'f_bavail', 'f_files', 'f_ffree', 'f_favail'):
            setattr(s, field, getattr(st, field))
        s.f_namemax = 255
        return s


class Control:
    """Commands on stdin, one a line: `cut <mode> <seed>` (answers `CUT <json>` and unmounts), then `mount`
    (mounts the backing directory again, as after a reboot; answers READY). EOF ends everything.

    A thread reads stdin, because the trio thread can sit in a blocking read of /dev/fuse: pyfuse3 waits until
    the device is readable, then reads, and a request withdrawn in between (its process was SIGKILLed) leaves
    that read blocked until the next request comes. So until a command has been handled, the thread sends
    such requests every 0.2 s: lookups of a name that does not exist."""

    def __init__(self, mountpoint):
        self.wake = os.path.join(mountpoint, '.powercutfs-wake')
        self.send, self.recv = trio.open_memory_channel(100)
        self.token = trio.lowlevel.current_trio_token()
        self.current = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in sys.stdin.buffer:
            self._hand_over(raw.decode().split())
        self._hand_over(None)

    def _hand_over(self, words):
        done = threading.Event()

        def poke():
            while not done.wait(0.2):
                try:
                    os.stat(self.wake)
                except OSError:
                    pass

        threading.Thread(target=poke, daemon=True).start()
        trio.from_thread.run_sync(self.send.send_nowait, (words, done), trio_token=self.token)

    async def line(self):
        """The next command (None: EOF). The one before counts as handled."""
        self.handled()
        words, self.current = await self.recv.receive()
        return words

    def handled(self):
        self.current.set()


def say(line):
    sys.stdout.write(line + '\n')
    sys.stdout.flush()


async def serve(fs, control, options, mountpoint):
    """Serves one mount until a cut (or EOF, a cut in drop mode). Returns False on EOF."""
    pyfuse3.init(fs, mountpoint, options)
    say('READY')
    control.handled()
    alive = True
    try:
        async with trio.open_nursery() as nursery:

            async def commands():
                nonlocal alive
                while True:
                    words = await control.line()
                    if words is None:
                        fs.cut('drop', 0)
                        alive = False
                        break
                    if words and words[0] == 'cut':
                        report = fs.cut(words[1] if len(words) > 1 else 'drop', int(words[2]) if len(words) > 2 else 0)
                        report.update(fs.stats)
                        say('CUT ' + json.dumps(report))
                        break
                pyfuse3.terminate()

            nursery.start_soon(commands)
            await pyfuse3.main()
            nursery.cancel_scope.cancel()
    finally:
        fs.close()
        pyfuse3.close(unmount=True)
    return alive


async def run(backing, mountpoint, host_fsync):
    options = set(pyfuse3.default_options)
    options.add('fsname=powercutfs')
    control = Control(mountpoint)
    while await serve(PowercutFS(backing, host_fsync), control, options, mountpoint):
        say('DOWN')
        control.handled()
        while True:
            words = await control.line()
            if words is None:
                return
            if words == ['mount']:
                break


def main():
    faulthandler.register(signal.SIGUSR1)  # the harness asks for the stacks of a daemon that stopped answering
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    if len(args) != 2:
        sys.stderr.write('usage: powercutfs.py BACKING MOUNTPOINT [--host-fsync]\n')
        sys.exit(2)
    trio.run(run, args[0], args[1], '--host-fsync' in sys.argv)


if __name__ == '__main__':
    main()

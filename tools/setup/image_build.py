#!/usr/bin/env python3
"""Builds the filesystem of each stage of tools/deploy/Dockerfile without a container
engine: a copy of a debootstrapped Debian root per stage, COPY done with the build
context's .dockerignore, and each RUN executed in a chroot of that root, as root. Used by
tools/setup/image-check.sh; run as root.

Usage: image_build.py --base ROOT --context DIR --dockerfile FILE --out DIR
         writes DIR/<stage>/ (the root) and DIR/<stage>.json (root, user, entrypoint, cmd,
         env, workdir); DIR/image.json is the last stage's, the image's.
       image_build.py --fresh SOURCE ROOT
         makes ROOT a fresh copy of SOURCE (a debootstrapped root).
       image_build.py --run ROOT [--user UID] COMMAND...
         runs COMMAND in a chroot of ROOT (with /proc and /dev, as RUN steps have them), as
         UID with the primary group and home /etc/passwd gives it there (default: root).
"""

import argparse
import fnmatch
import json
import os
import shlex
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import dockerfile

# The images debootstrap stands in for; both are Debian 12 minimal roots.
DEBIAN_IMAGES = {"debian:bookworm", "debian:bookworm-slim"}
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def ignore_patterns(context):
    path = Path(context) / ".dockerignore"
    if not path.is_file():
        return []
    patterns = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            patterns.append(line.strip("/"))
    return patterns


def is_ignored(relative, patterns):
    """Docker's rule: a pattern that matches a path or one of its parent directories."""
    parts = Path(relative).parts
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        if any(fnmatch.fnmatch(prefix, pattern) for pattern in patterns):
            return True
    return False


def copy_tree_contents(source, destination, context=None, patterns=()):
    destination.mkdir(parents=True, exist_ok=True)
    for directory, subdirectories, files in os.walk(source):
        relative_directory = Path(directory).relative_to(source)
        if context is not None:
            base = Path(directory).relative_to(context)
            subdirectories[:] = [d for d in subdirectories if not is_ignored(base / d, patterns)]
            files = [f for f in files if not is_ignored(base / f, patterns)]
        target = destination / relative_directory
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            shutil.copy2(Path(directory) / name, target / name, follow_symlinks=False)


class StageBuilder:
    def __init__(self, base, context, out):
        out = Path(out).resolve()
        self.base, self.context, self.out = Path(base), Path(context).resolve(), Path(out)
        self.patterns = ignore_patterns(context)
        self.roots = {}

    def inside(self, root, path, workdir):
        path = Path(workdir) / path if not path.startswith("/") else Path(path)
        return root / str(path).lstrip("/")

    def copy(self, instruction, root, workdir):
        origin, sources, destination = dockerfile.copy_arguments(instruction)
        for source in sources:
            if origin is None:
                source_path = (self.context / source).resolve()
                if self.context.resolve() not in [source_path, *source_path.parents]:
                    raise dockerfile.DockerfileError(f"COPY {source}: outside the context")
            else:
                source_path = self.roots[origin] / source.lstrip("/")
            target = self.inside(root, destination, workdir)
            if source_path.is_dir():
                in_context = self.context if origin is None else None
                copy_tree_contents(source_path, target, in_context, self.patterns)
            else:
                if destination.endswith("/") or target.is_dir():
                    target = target / source_path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source_path, target)

    def run(self, command, root, workdir, env):
        print(f"+ RUN {command}", flush=True)
        full_env = {"PATH": DEFAULT_PATH, "HOME": "/root", **env}
        script = f"cd {shlex.quote(workdir)} && {command}"
        with mounted(root):
            subprocess.run(["chroot", str(root), "/bin/sh", "-c", script], env=full_env, check=True)

    def build(self, stage):
        root = self.out / stage.name
        if stage.base in DEBIAN_IMAGES:
            source = self.base
        elif stage.base in self.roots:
            source = self.roots[stage.base]
        else:
            raise dockerfile.DockerfileError(f"FROM {stage.base}: no root stands in for it")
        print(f"== stage {stage.name}: FROM {stage.base} ({source})", flush=True)
        fresh_root(source, root)
        workdir, env, config = "/", {}, {"user": "0", "entrypoint": [], "cmd": []}
        for instruction in stage.instructions:
            keyword, arguments = instruction.keyword, instruction.arguments
            if keyword == "ENV":
                for pair in shlex.split(arguments):
                    name, _, value = pair.partition("=")
                    env[name] = value
            elif keyword == "WORKDIR":
                workdir = arguments
                self.inside(root, workdir, "/").mkdir(parents=True, exist_ok=True)
            elif keyword == "COPY":
                print(f"+ COPY {arguments}", flush=True)
                self.copy(instruction, root, workdir)
            elif keyword == "RUN":
                self.run(arguments, root, workdir, env)
            elif keyword == "USER":
                config["user"] = arguments
            elif keyword in ("ENTRYPOINT", "CMD"):
                config[keyword.lower()] = dockerfile.exec_form(instruction)
        self.roots[stage.name] = root
        config.update(root=str(root), workdir=workdir, env=env)
        (self.out / f"{stage.name}.json").write_text(json.dumps(config, indent=2) + "\n")


def fresh_root(source, root):
    """root becomes a copy of source, set up as a container's root is."""
    root = Path(root)
    unmount_all(root)
    if root.exists():
        still_mounted = [p for p in mounts() if p == str(root) or p.startswith(f"{root}/")]
        if still_mounted:
            raise dockerfile.DockerfileError(f"{still_mounted[0]} is mounted: not removing {root}")
        shutil.rmtree(root)
    subprocess.run(["cp", "-a", str(source), str(root)], check=True)
    shutil.copy2("/etc/resolv.conf", root / "etc/resolv.conf")
    # Debian's container images start no services while packages install.
    policy = root / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 101\n")
    policy.chmod(0o755)


def mounts():
    with open("/proc/mounts") as table:
        return [line.split()[1] for line in table]


def mount_points(root):
    return [root / "proc", root / "dev", root / "dev/pts"]


def unmount_all(root):
    for point in reversed(mount_points(root)):
        if os.path.ismount(point):
            subprocess.run(["umount", "-l", str(point)], check=True)


@contextmanager
def mounted(root):
    """/proc, /dev and /dev/pts inside the root while a command runs, as a container has them
    (apt and dpkg want a terminal device for their logs)."""
    proc, dev, pts = mount_points(root)
    subprocess.run(["mount", "-t", "proc", "proc", str(proc)], check=True)
    try:
        subprocess.run(["mount", "--bind", "/dev", str(dev)], check=True)
        # A private instance: the host's terminals stay out of the root.
        subprocess.run(
            ["mount", "-t", "devpts", "-o", "newinstance,ptmxmode=0666", "devpts", str(pts)],
            check=True,
        )
        yield
    finally:
        unmount_all(root)


def run_in(root, user, command):
    """Runs command in a chroot of root as user (a uid), as `docker run --user` would."""
    root = Path(root)
    gid, home = "0", "/"
    for line in (root / "etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if len(fields) >= 6 and fields[2] == user:
            gid, home = fields[3], fields[5]
    env = {"PATH": DEFAULT_PATH, "HOME": home}
    with mounted(root):
        return subprocess.run(
            ["chroot", f"--userspec={user}:{gid}", str(root), *command], env=env
        ).returncode


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--fresh":
        fresh_root(sys.argv[2], sys.argv[3])
        return 0
    if len(sys.argv) > 2 and sys.argv[1] == "--run":
        root, rest = sys.argv[2], sys.argv[3:]
        user = "0"
        if rest[:1] == ["--user"]:
            user, rest = rest[1], rest[2:]
        return run_in(root, user, rest)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--context", required=True)
    parser.add_argument("--dockerfile", required=True)
    parser.add_argument("--out", required=True)
    options = parser.parse_args()
    try:
        stages = dockerfile.load(options.dockerfile)
        Path(options.out).mkdir(parents=True, exist_ok=True)
        builder = StageBuilder(options.base, options.context, options.out)
        for stage in stages:
            builder.build(stage)
        # The image is the last stage.
        final = Path(options.out) / f"{stages[-1].name}.json"
        (Path(options.out) / "image.json").write_text(final.read_text())
    except dockerfile.DockerfileError as error:
        print(f"image_build: {options.dockerfile}: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"image_build: step failed ({error.returncode}): {error.cmd}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

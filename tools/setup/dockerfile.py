"""Reads tools/deploy/Dockerfile for the checks that keep it in step with the build.

deploy_check.py asks which packages each stage installs; image_build.py replays the
stages in chroots. Only the instructions the project's Dockerfile uses are understood:
anything else is an error, so a new instruction is noticed rather than skipped.
"""

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

KNOWN = {"FROM", "ENV", "WORKDIR", "COPY", "RUN", "USER", "ENTRYPOINT", "CMD"}


@dataclass
class Instruction:
    keyword: str
    arguments: str
    line: int


@dataclass
class Stage:
    base: str
    name: str
    index: int
    instructions: list = field(default_factory=list)


class DockerfileError(ValueError):
    pass


def logical_lines(text):
    """(line number, text) of each instruction: comments dropped, continuations joined."""
    result = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1].rstrip() + " "
            continue
        result.append((start, pending + stripped))
        pending = ""
    if pending:
        raise DockerfileError(f"line {start}: continuation runs past the end of the file")
    return result


def parse(text):
    """The stages of a Dockerfile, in order."""
    stages = []
    for number, line in logical_lines(text):
        keyword, _, arguments = line.partition(" ")
        keyword = keyword.upper()
        arguments = arguments.strip()
        if keyword not in KNOWN:
            raise DockerfileError(f"line {number}: instruction {keyword} is not understood")
        if keyword == "FROM":
            words = arguments.split()
            if len(words) == 3 and words[1].upper() == "AS":
                name = words[2]
            elif len(words) == 1:
                name = str(len(stages))
            else:
                raise DockerfileError(f"line {number}: FROM {arguments} is not 'IMAGE [AS NAME]'")
            stages.append(Stage(base=words[0], name=name, index=len(stages)))
            continue
        if not stages:
            raise DockerfileError(f"line {number}: {keyword} before the first FROM")
        stages[-1].instructions.append(Instruction(keyword, arguments, number))
    if not stages:
        raise DockerfileError("no FROM: not a Dockerfile")
    return stages


def load(path):
    return parse(Path(path).read_text())


def stage_named(stages, name):
    for stage in stages:
        if stage.name == name:
            return stage
    raise DockerfileError(f"no stage named {name}")


def copy_arguments(instruction):
    """(from stage or None, sources, destination) of a COPY in shell form."""
    words = shlex.split(instruction.arguments)
    origin = None
    while words and words[0].startswith("--"):
        option = words.pop(0)
        if option.startswith("--from="):
            origin = option[len("--from=") :]
        else:
            raise DockerfileError(
                f"line {instruction.line}: COPY option {option} is not understood"
            )
    if len(words) < 2:
        raise DockerfileError(f"line {instruction.line}: COPY needs a source and a destination")
    return origin, words[:-1], words[-1]


def exec_form(instruction):
    """The argument list of ENTRYPOINT/CMD in exec (JSON) form."""
    try:
        value = json.loads(instruction.arguments)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DockerfileError(f"line {instruction.line}: {instruction.keyword} is not in exec form")
    return value


def last_of(stage, keyword):
    found = [i for i in stage.instructions if i.keyword == keyword]
    return found[-1] if found else None


def read_package_list(path):
    """Packages of a tools/setup/packages list: one a line, "#" starts a comment."""
    packages = []
    for line in Path(path).read_text().splitlines():
        package = line.split("#", 1)[0].strip()
        if package:
            packages.append(package)
    return packages


def simple_commands(command):
    """The words of each simple command in a shell command line (split at && || ; | and
    parentheses, outside quotes)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands, words = [], []
    for token in lexer:
        if token and all(c in "();<>|&" for c in token):
            if words:
                commands.append(words)
            words = []
        else:
            words.append(token)
    if words:
        commands.append(words)
    return commands


def installed_by_run(command, lists_dir):
    """Packages a RUN command installs: apt-get install's arguments, and the lists named to
    tools/setup/install-deps.sh (read from lists_dir)."""
    packages = []
    for words in simple_commands(command):
        for position, word in enumerate(words):
            if word.endswith("install-deps.sh"):
                for list_name in words[position + 1 :]:
                    path = Path(lists_dir) / f"{list_name}.txt"
                    if not path.is_file():
                        raise DockerfileError(f"install-deps.sh {list_name}: no list {path}")
                    packages += read_package_list(path)
                break
            if word in ("apt-get", "apt") and "install" in words[position + 1 :]:
                rest = words[words.index("install", position) + 1 :]
                packages += [w for w in rest if not w.startswith("-")]
                break
    return packages


def stage_packages(stage, lists_dir):
    packages = []
    for instruction in stage.instructions:
        if instruction.keyword == "RUN":
            packages += installed_by_run(instruction.arguments, lists_dir)
    return packages


def runtime_and_build(stages):
    """(runtime stage, build stage): the last stage, and the stage it copies files from."""
    runtime = stages[-1]
    for instruction in runtime.instructions:
        if instruction.keyword == "COPY":
            origin = copy_arguments(instruction)[0]
            if origin is not None:
                return runtime, stage_named(stages, origin)
    raise DockerfileError("the last stage copies nothing from a build stage")

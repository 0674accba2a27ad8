#!/usr/bin/env python3
"""The deploy files' check (seconds; tools/setup/test.sh runs it after the build):

- every shared library the built regmigrate needs (readelf -d NEEDED, and what those
  need, resolved with ldd and dpkg -S) comes from a package the Dockerfile's runtime stage
  installs, or from one of their dependencies (Depends and Pre-Depends, recursively, as the
  installed system records them);
- every Boost component and every other package CMakeLists.txt finds (where the binary's
  build found it: its CMakeCache.txt) comes from a package the Dockerfile's build stage
  installs or one of their dependencies;
- the Kubernetes manifests under tools/deploy parse, have known kinds, run the image whose
  tag is the project's version as the Dockerfile's user, pass regmigrate only subcommands
  and flags that its --help lists, and name ConfigMaps and Secrets (and keys) they define;
  a container running `sync --watch` has liveness and readiness probes on /healthz at the
  port of its --metrics-addr.

Usage: deploy_check.py [--dockerfile FILE] BINARY     check; exit 1 naming each problem
       deploy_check.py --print-runtime BINARY         the runtime packages BINARY needs
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import yaml

import dockerfile

ROOT = Path(__file__).resolve().parents[2]
LISTS = ROOT / "tools/setup/packages"

# apiVersion of each kind the manifests may hold; another kind is a problem to look at.
KINDS = {
    "ConfigMap": "v1",
    "Secret": "v1",
    "Service": "v1",
    "ServiceAccount": "v1",
    "Pod": "v1",
    "Job": "batch/v1",
    "CronJob": "batch/v1",
    "Deployment": "apps/v1",
    "StatefulSet": "apps/v1",
    "PodMonitor": "monitoring.coreos.com/v1",
}


# ---- parsing tool output (pure) ----


def needed_libraries(readelf_output):
    """Sonames of readelf -d's NEEDED entries, in order."""
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", readelf_output)


def ldd_paths(ldd_output):
    """soname -> resolved path (None when "not found") of every library ldd lists."""
    paths = {}
    for line in ldd_output.splitlines():
        match = re.match(r"\s*(\S+) => (?:(not found)|(\S+))", line)
        if match:
            paths[match.group(1)] = None if match.group(2) else match.group(3)
    return paths


def dpkg_search(output):
    """path -> [packages] of `dpkg -S` output lines ("pkg[:arch][, pkg2[:arch]]: path")."""
    owners = {}
    for line in output.splitlines():
        packages, separator, path = line.partition(": ")
        if separator and not packages.startswith("diversion "):
            owners[path.strip()] = [p.split(":")[0].strip() for p in packages.split(",")]
    return owners


def depends_names(field, installed):
    """Package names of a Depends field: per alternative group the first installed one
    (the first one when none is)."""
    names = []
    for group in filter(None, (g.strip() for g in field.split(","))):
        alternatives = [re.split(r"[\s(:]", a.strip(), maxsplit=1)[0] for a in group.split("|")]
        chosen = next((a for a in alternatives if a in installed), alternatives[0])
        names.append(chosen)
    return names


def closure(packages, depends_of):
    """The packages and, recursively, their dependencies. depends_of(names) returns
    {name: [dependency names]} for the names it knows."""
    seen, frontier = set(), set(packages)
    while frontier:
        seen |= frontier
        known = depends_of(sorted(frontier))
        frontier = {d for deps in known.values() for d in deps} - seen
    return seen


def boost_components(cmake_text):
    """Components of find_package(Boost ... COMPONENTS ...) in a CMakeLists.txt."""
    components = []
    for call in re.findall(r"find_package\s*\(\s*Boost\b([^)]*)\)", cmake_text):
        words = call.split()
        if "COMPONENTS" in words:
            for word in words[words.index("COMPONENTS") + 1 :]:
                if word.isupper():  # OPTIONAL_COMPONENTS, CONFIG, ...
                    break
                components.append(word)
    return components


def config_packages(cmake_text):
    """Names of the other find_package calls (Boost and CMake's own modules aside)."""
    names = re.findall(r"find_package\s*\(\s*([A-Za-z0-9_.+-]+)", cmake_text)
    return [n for n in names if n not in ("Boost", "Threads")]


def cache_entries(cache_text):
    """NAME -> value of a CMakeCache.txt."""
    entries = {}
    for line in cache_text.splitlines():
        match = re.match(r"([^#/][^:=]*):[A-Z]+=(.*)", line)
        if match:
            entries[match.group(1)] = match.group(2)
    return entries


def found_paths(cmake_text, cache):
    """What each find_package of CMakeLists.txt found, as CMakeCache.txt records it:
    {"find_package(X)": [paths]}: the config directory (NAME_DIR) of config packages and of
    each Boost component, the libraries (NAME_*_LIBRARY) of CMake's own Find modules."""
    wanted = {"find_package(Boost)": ["Boost"]}
    for component in boost_components(cmake_text):
        wanted[f"find_package(Boost {component})"] = [f"boost_{component}"]
    for name in config_packages(cmake_text):
        wanted[f"find_package({name})"] = [name]
    found = {}
    for what, names in wanted.items():
        paths = [cache[f"{n}_DIR"] for n in names if f"{n}_DIR" in cache]
        if not paths:
            prefix = f"{names[0].upper()}_"
            paths = [
                v
                for k, v in sorted(cache.items())
                if k.startswith(prefix) and k.endswith("_LIBRARY")
            ]
        found[what] = [p for p in paths if p.startswith("/") and not p.endswith("-NOTFOUND")]
    return found


def project_version(cmake_text):
    match = re.search(r"project\s*\(\s*regmigrate\s+VERSION\s+([0-9.]+)", cmake_text)
    return match.group(1) if match else None


def help_flags(help_text):
    """Every -x and --long option a CLI11 --help text lists."""
    return set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", help_text))


def subcommands(help_text):
    """Subcommand names listed under "Subcommands:" (CLI11 2.3; older CLI11: "SUBCOMMANDS:")."""
    section = re.split(r"^subcommands:\s*$", help_text, maxsplit=1, flags=re.I | re.M)
    if len(section) < 2:
        return set()
    return set(re.findall(r"^\s{2}(\w[\w-]*)", section[1], re.MULTILINE))


# ---- the checks (pure: they take what the system said, return problems) ----


def uncovered_libraries(needed, paths, owners, allowed):
    """Problems for libraries (soname -> path) no allowed package provides."""
    problems = []
    for soname in needed:
        path = paths.get(soname)
        if path is None:
            problems.append(f"{soname}: ldd finds no file for it on this machine")
            continue
        packages = owners.get(path)
        if not packages:
            problems.append(f"{soname} ({path}): no Debian package provides it (dpkg -S)")
        elif not set(packages) & allowed:
            problems.append(
                f"{soname} ({path}) comes from {packages[0]}, which the runtime stage does not "
                f"install (add {packages[0]} to tools/setup/packages/runtime.txt)"
            )
    return problems


def pod_spec(document):
    kind, spec = document.get("kind"), document.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind in ("Job", "Deployment", "StatefulSet"):
        return (spec.get("template") or {}).get("spec")
    if kind == "CronJob":
        job = (spec.get("jobTemplate") or {}).get("spec") or {}
        return (job.get("template") or {}).get("spec")
    return None


def manifest_problems(documents, version, user, entrypoint, help_of):
    """documents: [(file name, parsed document)]. help_of(args) is the --help text of
    regmigrate ARGS... (`[]` for the top level)."""
    problems, defined = [], {}
    for name, document in documents:
        if not isinstance(document, dict):
            problems.append(f"{name}: a document is not a mapping")
            continue
        kind = document.get("kind")
        if kind not in KINDS:
            problems.append(
                f"{name}: kind {kind!r} is not one the check knows ({', '.join(KINDS)})"
            )
        elif document.get("apiVersion") != KINDS[kind]:
            problems.append(
                f"{name}: {kind} has apiVersion {document.get('apiVersion')!r}, not {KINDS[kind]}"
            )
        if kind in ("ConfigMap", "Secret"):
            metadata_name = (document.get("metadata") or {}).get("name")
            keys = set((document.get("data") or {}).keys()) | set(
                (document.get("stringData") or {}).keys()
            )
            defined[(kind, metadata_name)] = keys
    top_help = help_of([])
    commands = subcommands(top_help)
    for name, document in documents:
        if not isinstance(document, dict):
            continue
        spec = pod_spec(document)
        if spec is None:
            continue
        where = f"{name}: {document.get('kind')} {(document.get('metadata') or {}).get('name')}"
        problems += reference_problems(where, spec, defined)
        containers = (spec.get("containers") or []) + (spec.get("initContainers") or [])
        for container in containers:
            context = (where, version, user, entrypoint, commands, help_of)
            problems += container_problems(container, spec, *context)
    return problems


def image_name_and_tag(image):
    """("host/path/name", tag or None) of an image reference (a digest is no tag)."""
    image = image.split("@", 1)[0]
    repository, _, tag = image.rpartition(":")
    if not repository or "/" in tag:
        return image, None
    return repository, tag


def container_problems(container, spec, where, version, user, entrypoint, commands, help_of):
    """Problems of one container, when it runs the regmigrate image."""
    repository, tag = image_name_and_tag(container.get("image", ""))
    if repository.rpartition("/")[2] != "regmigrate":
        return []
    problems = []
    if tag != version:
        problems.append(
            f"{where}: image {container.get('image')} is not tagged with the project's "
            f"version {version}"
        )
    run_as = (container.get("securityContext") or {}).get("runAsUser") or (
        spec.get("securityContext") or {}
    ).get("runAsUser")
    if user.isdigit() and run_as is not None and str(run_as) != user:
        problems.append(f"{where}: runAsUser {run_as}, but the image's USER is {user}")
    command = container.get("command")
    if command is not None and command != entrypoint:
        problems.append(f"{where}: command {command} replaces the image's entrypoint {entrypoint}")
    args = [str(a) for a in container.get("args") or []]
    return (
        problems
        + argument_problems(where, args, commands, help_of)
        + probe_problems(where, container, args)
    )


def option_value(args, flag):
    """The value of FLAG VALUE or FLAG=VALUE in args, or None."""
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None


def probe_problems(where, container, args):
    """A container running `sync --watch` is probed on /healthz where --metrics-addr serves
    it (the probe's port by number or by the name of one of the container's ports)."""
    if "--watch" not in args and option_value(args, "--watch") is None:
        return []
    address = option_value(args, "--metrics-addr")
    if address is None:
        return [f"{where}: sync --watch without --metrics-addr serves no /healthz to probe"]
    port = address.rpartition(":")[2]
    named = {str(p.get("name")): str(p.get("containerPort")) for p in container.get("ports") or []}
    problems = []
    for probe in ("livenessProbe", "readinessProbe"):
        get = (container.get(probe) or {}).get("httpGet") or {}
        probed = named.get(str(get.get("port")), str(get.get("port")))
        if get.get("path") != "/healthz" or probed != port:
            problems.append(
                f"{where}: sync --watch needs a {probe} with httpGet /healthz on port {port} "
                "(its --metrics-addr)"
            )
    return problems


def argument_problems(where, args, commands, help_of):
    if not args or args[0] not in commands:
        first = args[0] if args else "nothing"
        return [
            f"{where}: args start with {first}, not a regmigrate subcommand ({', '.join(sorted(commands))})"
        ]
    flags = help_flags(help_of([args[0]]))
    problems = []
    for arg in args[1:]:
        if re.match(r"--?[A-Za-z]", arg):
            flag = arg.split("=", 1)[0]
            if flag not in flags:
                problems.append(
                    f"{where}: regmigrate {args[0]} has no option {flag} ({args[0]} --help)"
                )
    return problems


def reference_problems(where, spec, defined):
    """ConfigMaps and Secrets (and their keys) a pod spec uses must be among the manifests,
    unless marked optional."""
    wanted = []
    for volume in spec.get("volumes") or []:
        for kind, key, name_key in (
            ("ConfigMap", "configMap", "name"),
            ("Secret", "secret", "secretName"),
        ):
            source = volume.get(key)
            if source:
                keys = [item.get("key") for item in source.get("items") or []]
                wanted.append((kind, source.get(name_key), keys, source.get("optional", False)))
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        for variable in container.get("env") or []:
            source = variable.get("valueFrom") or {}
            for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                reference = source.get(key)
                if reference:
                    wanted.append(
                        (
                            kind,
                            reference.get("name"),
                            [reference.get("key")],
                            reference.get("optional", False),
                        )
                    )
    problems = []
    for kind, name, keys, optional in wanted:
        if (kind, name) not in defined:
            if optional:
                continue
            problems.append(f"{where}: uses {kind} {name}, which no manifest defines")
            continue
        for key in keys:
            if key not in defined[(kind, name)] and not optional:
                problems.append(f"{where}: uses key {key} of {kind} {name}, which it does not have")
    return problems


# ---- the system ----


def run(command):
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout


def dependency_graph(status_lines):
    """package -> dependency names of the installed packages, from lines of
    "package TAB status TAB pre-depends, depends" (dpkg-query -W)."""
    lines = [line.split("\t") for line in status_lines.splitlines() if line.count("\t") == 2]
    installed = {package for package, status, _ in lines if status.endswith(" installed")}
    return {
        package: depends_names(field, installed)
        for package, status, field in lines
        if package in installed
    }


def installed_dependencies():
    """A depends_of for closure(): the whole dpkg database in one query."""
    graph = dependency_graph(
        run(["dpkg-query", "-W", "-f=${Package}\t${Status}\t${Pre-Depends}, ${Depends}\n"])
    )
    return lambda names: {name: graph[name] for name in names if name in graph}


def owners_of(paths):
    """path -> package; a path dpkg does not know is retried with its /usr counterpart
    (merged /usr: the database names /lib/x86_64-linux-gnu/libc.so.6, ldd may print either)."""
    alternatives = {}
    for path in paths:
        alternatives[path] = path
        other = path[4:] if path.startswith("/usr/") else "/usr" + path
        alternatives[other] = path
    found = dpkg_search(run(["dpkg", "-S", *alternatives]))
    return {alternatives[path]: packages for path, packages in found.items()}


def runtime_libraries(binary):
    """(direct NEEDED sonames, every library ldd resolves: soname -> path)."""
    needed = needed_libraries(run(["readelf", "-d", binary]))
    paths = ldd_paths(run(["ldd", binary]))
    return needed, paths


def check_runtime(binary, runtime_packages, depends_of):
    needed, paths = runtime_libraries(binary)
    if not needed:
        return [f"{binary}: readelf -d lists no NEEDED library (not a dynamic executable?)"]
    allowed = closure(runtime_packages, depends_of)
    owners = owners_of([p for p in paths.values() if p])
    # The direct ones first, so the message names what the binary itself links.
    libraries = needed + [s for s in paths if s not in needed]
    return uncovered_libraries(libraries, paths, owners, allowed)


def check_build(found, build_packages, depends_of):
    """found: find_package_paths' answer for the build that made the binary."""
    allowed = closure(build_packages, depends_of)
    owners = owners_of([path for paths in found.values() for path in paths])
    problems = []
    for what, paths in found.items():
        if not paths:
            if "Boost" in what:
                problems.append(
                    f"{what}: the build's CMakeCache.txt does not say where it was found"
                )
            continue  # Threads and the like: part of the C library
        for path in paths:
            packages = owners.get(path)
            if not packages:
                problems.append(f"{what}: {path} belongs to no Debian package (dpkg -S)")
            elif not set(packages) & allowed:
                problems.append(
                    f"{what} uses {path} from {packages[0]}, which the build stage does not "
                    f"install (add it to tools/setup/packages/build.txt)"
                )
    return problems


def derived_runtime(binary):
    needed, paths = runtime_libraries(binary)
    owners = owners_of([paths[s] for s in needed if paths.get(s)])
    return sorted({packages[0] for packages in owners.values()})


def load_manifests():
    """([(file, document)], problems) of the YAML files under tools/deploy."""
    documents, problems = [], []
    for path in sorted((ROOT / "tools/deploy").rglob("*.y*ml")):
        name = path.relative_to(ROOT)
        try:
            documents += [(name, d) for d in yaml.safe_load_all(path.read_text()) if d is not None]
        except yaml.YAMLError as error:
            problems.append(f"{name}: not valid YAML: {error}")
    return documents, problems


def check(binary, runtime, runtime_packages, build_packages, cache):
    """Every problem of the deploy files against this build."""
    cmake_text = (ROOT / "CMakeLists.txt").read_text()
    version = project_version(cmake_text)
    depends_of = installed_dependencies()
    problems = [f"runtime stage: {p}" for p in check_runtime(binary, runtime_packages, depends_of)]
    found = found_paths(cmake_text, cache)
    problems += [f"build stage: {p}" for p in check_build(found, build_packages, depends_of)]
    reported = run([binary, "--version"]).strip()
    if reported != f"regmigrate {version}":
        problems.append(f"{binary} --version says {reported!r}; CMakeLists.txt says {version}")

    user = dockerfile.last_of(runtime, "USER")
    entrypoint = dockerfile.last_of(runtime, "ENTRYPOINT")
    documents, yaml_problems = load_manifests()
    problems += yaml_problems
    problems += manifest_problems(
        documents,
        version,
        user.arguments if user else "0",
        dockerfile.exec_form(entrypoint) if entrypoint else [],
        lambda args: run([binary, *args, "--help"]),
    )
    return problems, len(documents)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary")
    parser.add_argument("--dockerfile", default=str(ROOT / "tools/deploy/Dockerfile"))
    parser.add_argument("--print-runtime", action="store_true")
    options = parser.parse_args()
    if options.print_runtime:
        print("\n".join(derived_runtime(options.binary)))
        return 0
    # The build directory the binary was built in says where CMake found each package.
    cache_path = Path(options.binary).resolve().parents[1] / "CMakeCache.txt"
    try:
        stages = dockerfile.load(options.dockerfile)
        runtime, build = dockerfile.runtime_and_build(stages)
        runtime_packages = dockerfile.stage_packages(runtime, LISTS)
        build_packages = dockerfile.stage_packages(build, LISTS)
        cache = cache_entries(cache_path.read_text())
    except (OSError, dockerfile.DockerfileError) as error:
        print(f"deploy-check: {error}", file=sys.stderr)
        return 2
    problems, manifests = check(options.binary, runtime, runtime_packages, build_packages, cache)
    for problem in problems:
        print(f"deploy-check: {problem}", file=sys.stderr)
    if problems:
        print(
            f"deploy-check: FAILED: {len(problems)} problems with {options.dockerfile}",
            file=sys.stderr,
        )
        return 1
    print(
        f"deploy-check: ok: the {len(runtime_packages)} runtime and {len(build_packages)} build "
        f"packages of {options.dockerfile} cover the libraries the binary links and the packages "
        f"CMake finds; {manifests} Kubernetes objects agree with regmigrate's options"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

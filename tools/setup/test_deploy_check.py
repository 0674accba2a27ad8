"""Unit tests of the deploy check's pure parts (dockerfile.py, deploy_check.py): no dpkg,
no binary. tools/setup/test.sh runs them: python3 -m unittest discover -s tools/setup"""

import tempfile
import textwrap
import unittest
from pathlib import Path

import deploy_check as check
import dockerfile

# The Dockerfile as it was when Boost.Iostreams became a dependency: its lists were inline.
OLD_DOCKERFILE = textwrap.dedent(
    """\
    FROM debian:bookworm AS build
    # a comment
    RUN apt-get update && apt-get install -y --no-install-recommends \\
          cmake libboost1.81-dev \\
          libboost-json1.81-dev \\
        && rm -rf /var/lib/apt/lists/*
    COPY . .
    FROM debian:bookworm-slim
    RUN apt-get update && apt-get install -y --no-install-recommends \\
          ca-certificates libboost-json1.81.0 \\
        && rm -rf /var/lib/apt/lists/*
    COPY --from=build /build/tools/regmigrate /usr/local/bin/regmigrate
    USER 10001
    ENTRYPOINT ["/usr/local/bin/regmigrate"]
    """
)

LIST_DOCKERFILE = textwrap.dedent(
    """\
    FROM debian:bookworm AS build
    RUN /setup/install-deps.sh build && rm -rf /var/lib/apt/lists/*
    FROM debian:bookworm-slim
    RUN /setup/install-deps.sh runtime
    COPY --from=build /build/tools/regmigrate /usr/local/bin/regmigrate
    """
)

HELP_TOP = textwrap.dedent(
    """\
    regmigrate: stream container images between registries
    Usage: regmigrate [OPTIONS] SUBCOMMAND

    Options:
      -h,--help                   Print this help message and exit
      --version                   Display program version information and exit

    Subcommands:
      copy                        Copy one image
      sync                        Copy many images
    """
)

HELP_SYNC = textwrap.dedent(
    """\
    Options:
      -h,--help                   Print this help message and exit
      --config TEXT               Plan file
      --shard TEXT                I/N
      -j,--jobs UINT              Blob transfers in flight
      --skip-existing,--no-skip-existing{false}
                                  skip tags already there
    """
)


def job(args, image="registry.example/tools/regmigrate:0.1.0", kind="Job", run_as=10001):
    template = {
        "spec": {
            "securityContext": {"runAsUser": run_as},
            "containers": [{"name": "regmigrate", "image": image, "args": args}],
        }
    }
    spec = {"template": template}
    if kind == "CronJob":
        spec = {"jobTemplate": {"spec": spec}}
    api = {"Job": "batch/v1", "CronJob": "batch/v1", "Deployment": "apps/v1"}[kind]
    return {"apiVersion": api, "kind": kind, "metadata": {"name": "regmigrate"}, "spec": spec}


def manifest_problems(*documents):
    helps = {(): HELP_TOP, ("sync",): HELP_SYNC, ("copy",): HELP_SYNC}
    named = [("m.yaml", d) for d in documents]
    return check.manifest_problems(
        named, "0.1.0", "10001", ["/usr/local/bin/regmigrate"], lambda args: helps[tuple(args)]
    )


class DockerfileTest(unittest.TestCase):
    def test_continuations_and_comments_make_one_instruction(self):
        stages = dockerfile.parse(OLD_DOCKERFILE)
        self.assertEqual([s.name for s in stages], ["build", "1"])
        self.assertEqual(stages[0].instructions[0].keyword, "RUN")
        self.assertIn("libboost-json1.81-dev &&", stages[0].instructions[0].arguments)

    def test_an_instruction_it_does_not_understand_is_an_error(self):
        with self.assertRaisesRegex(dockerfile.DockerfileError, "line 2: instruction ADD"):
            dockerfile.parse("FROM debian:bookworm\nADD x /x\n")

    def test_apt_get_install_arguments_are_the_packages_options_aside(self):
        stages = dockerfile.parse(OLD_DOCKERFILE)
        self.assertEqual(
            dockerfile.stage_packages(stages[0], "/nonexistent"),
            ["cmake", "libboost1.81-dev", "libboost-json1.81-dev"],
        )

    def test_install_deps_lists_are_read_from_the_lists_directory(self):
        with tempfile.TemporaryDirectory() as lists:
            Path(lists, "build.txt").write_text("# compilers\ncmake  # the build\n\nninja-build\n")
            run = dockerfile.Instruction("RUN", "/setup/install-deps.sh build && rm -rf x", 1)
            self.assertEqual(
                dockerfile.installed_by_run(run.arguments, lists), ["cmake", "ninja-build"]
            )

    def test_an_install_deps_list_that_does_not_exist_is_an_error(self):
        with self.assertRaisesRegex(dockerfile.DockerfileError, "no list"):
            dockerfile.installed_by_run("install-deps.sh nope", "/nonexistent")

    def test_shell_separators_inside_quotes_do_not_split_commands(self):
        self.assertEqual(
            dockerfile.simple_commands("a 'x && y' | b; c"), [["a", "x && y"], ["b"], ["c"]]
        )

    def test_the_build_stage_is_the_one_the_last_stage_copies_from(self):
        runtime, build = dockerfile.runtime_and_build(dockerfile.parse(OLD_DOCKERFILE))
        self.assertEqual((runtime.name, build.name), ("1", "build"))

    def test_entrypoint_must_be_in_exec_form(self):
        instruction = dockerfile.Instruction("ENTRYPOINT", "regmigrate --help", 3)
        with self.assertRaisesRegex(dockerfile.DockerfileError, "exec form"):
            dockerfile.exec_form(instruction)


class ProjectListsTest(unittest.TestCase):
    """The project's own Dockerfile and lists (the fix of issue 18)."""

    root = Path(__file__).resolve().parents[2]

    def stage_packages(self):
        stages = dockerfile.load(self.root / "tools/deploy/Dockerfile")
        runtime, build = dockerfile.runtime_and_build(stages)
        lists = self.root / "tools/setup/packages"
        return dockerfile.stage_packages(runtime, lists), dockerfile.stage_packages(build, lists)

    def test_the_image_installs_boost_iostreams_in_both_stages(self):
        runtime, build = self.stage_packages()
        self.assertIn("libboost-iostreams1.81-dev", build)
        self.assertIn("libboost-iostreams1.81.0", runtime)

    def test_the_stages_install_the_lists_install_deps_installs(self):
        runtime, build = self.stage_packages()
        lists = self.root / "tools/setup/packages"
        self.assertEqual(build, dockerfile.read_package_list(lists / "build.txt"))
        self.assertEqual(runtime, dockerfile.read_package_list(lists / "runtime.txt"))


class ToolOutputTest(unittest.TestCase):
    def test_needed_libraries_come_from_readelf_dynamic_section(self):
        output = (
            " 0x0000000000000001 (NEEDED)             Shared library: [libboost_iostreams.so.1.81.0]\n"
            " 0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]\n"
            " 0x000000000000000c (INIT)               0x1000\n"
        )
        self.assertEqual(
            check.needed_libraries(output), ["libboost_iostreams.so.1.81.0", "libc.so.6"]
        )

    def test_ldd_lines_map_sonames_to_paths_or_not_found(self):
        output = (
            "\tlinux-vdso.so.1 (0x00007ffd)\n"
            "\tlibssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x00007f)\n"
            "\tlibgone.so.1 => not found\n"
        )
        self.assertEqual(
            check.ldd_paths(output),
            {"libssl.so.3": "/lib/x86_64-linux-gnu/libssl.so.3", "libgone.so.1": None},
        )

    def test_dpkg_search_keeps_every_owner_without_architecture(self):
        output = "libssl3:amd64: /usr/lib/x86_64-linux-gnu/libssl.so.3\nlibgtest-dev, libgmock-dev:amd64: /usr/lib/cmake\n"
        self.assertEqual(
            check.dpkg_search(output),
            {
                "/usr/lib/x86_64-linux-gnu/libssl.so.3": ["libssl3"],
                "/usr/lib/cmake": ["libgtest-dev", "libgmock-dev"],
            },
        )

    def test_depends_takes_names_without_versions_and_the_installed_alternative(self):
        field = "libc6 (>= 2.34), libgcc-s1:amd64, debconf (>= 0.5) | debconf-2.0, , perl:any"
        self.assertEqual(
            check.depends_names(field, {"debconf-2.0"}),
            ["libc6", "libgcc-s1", "debconf-2.0", "perl"],
        )

    def test_the_dependency_graph_holds_installed_packages_only(self):
        lines = (
            "libssl3\tinstall ok installed\t, libc6 (>= 2.34)\n"
            "libc6\tinstall ok installed\tlibgcc-s1, \n"
            "oldpkg\tdeinstall ok config-files\t, libc6\n"
        )
        self.assertEqual(
            check.dependency_graph(lines), {"libssl3": ["libc6"], "libc6": ["libgcc-s1"]}
        )

    def test_closure_follows_dependencies_recursively(self):
        graph = {"a": ["b"], "b": ["c", "a"], "c": [], "x": ["y"]}
        lookup = lambda names: {n: graph[n] for n in names if n in graph}  # noqa: E731
        self.assertEqual(check.closure(["a"], lookup), {"a", "b", "c"})

    def test_help_flags_and_subcommands_of_a_cli11_help(self):
        self.assertEqual(
            check.help_flags(HELP_SYNC),
            {
                "-h",
                "--help",
                "--config",
                "--shard",
                "-j",
                "--jobs",
                "--skip-existing",
                "--no-skip-existing",
            },
        )
        self.assertEqual(check.subcommands(HELP_TOP), {"copy", "sync"})


class CMakeTest(unittest.TestCase):
    cmake = "project(regmigrate VERSION 0.2.1 LANGUAGES CXX)\nfind_package(Threads REQUIRED)\n" + (
        "find_package(Boost 1.81 REQUIRED COMPONENTS url iostreams OPTIONAL_COMPONENTS x)\n"
        "find_package(OpenSSL 3 REQUIRED)\nfind_package(yaml-cpp REQUIRED)\n"
    )
    cache = (
        "# comment\nBoost_DIR:PATH=/usr/lib/cmake/Boost-1.81.0\n"
        "boost_url_DIR:PATH=/usr/lib/cmake/boost_url-1.81.0\n"
        "boost_iostreams_DIR:PATH=boost_iostreams_DIR-NOTFOUND\n"
        "OPENSSL_SSL_LIBRARY:FILEPATH=/usr/lib/libssl.so\nyaml-cpp_DIR:PATH=/usr/lib/cmake/yaml-cpp\n"
    )

    def test_boost_components_stop_at_the_next_keyword(self):
        self.assertEqual(check.boost_components(self.cmake), ["url", "iostreams"])

    def test_project_version(self):
        self.assertEqual(check.project_version(self.cmake), "0.2.1")

    def test_found_paths_come_from_the_cache_config_dirs_and_module_libraries(self):
        found = check.found_paths(self.cmake, check.cache_entries(self.cache))
        self.assertEqual(
            found,
            {
                "find_package(Boost)": ["/usr/lib/cmake/Boost-1.81.0"],
                "find_package(Boost url)": ["/usr/lib/cmake/boost_url-1.81.0"],
                "find_package(Boost iostreams)": [],
                "find_package(OpenSSL)": ["/usr/lib/libssl.so"],
                "find_package(yaml-cpp)": ["/usr/lib/cmake/yaml-cpp"],
            },
        )


class LibraryCoverageTest(unittest.TestCase):
    paths = {
        "libboost_iostreams.so.1.81.0": "/usr/lib/libboost_iostreams.so.1.81.0",
        "libc.so.6": "/lib/libc.so.6",
    }
    owners = {
        "/usr/lib/libboost_iostreams.so.1.81.0": ["libboost-iostreams1.81.0"],
        "/lib/libc.so.6": ["libc6"],
    }

    def test_a_library_of_a_package_the_stage_does_not_install_is_named(self):
        problems = check.uncovered_libraries(list(self.paths), self.paths, self.owners, {"libc6"})
        self.assertEqual(len(problems), 1)
        self.assertIn("libboost_iostreams.so.1.81.0", problems[0])
        self.assertIn(
            "add libboost-iostreams1.81.0 to tools/setup/packages/runtime.txt", problems[0]
        )

    def test_libraries_of_installed_packages_pass(self):
        allowed = {"libc6", "libboost-iostreams1.81.0"}
        self.assertEqual(
            check.uncovered_libraries(list(self.paths), self.paths, self.owners, allowed), []
        )

    def test_a_library_ldd_cannot_find_or_dpkg_does_not_own_is_named(self):
        paths = {"libgone.so.1": None, "liblocal.so": "/usr/local/lib/liblocal.so"}
        problems = check.uncovered_libraries(list(paths), paths, {}, set())
        self.assertEqual(len(problems), 2)
        self.assertIn("ldd finds no file", problems[0])
        self.assertIn("no Debian package provides it", problems[1])


class ManifestTest(unittest.TestCase):
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "creds"},
        "stringData": {"src-password": "x"},
    }

    def test_a_job_passing_known_flags_passes(self):
        self.assertEqual(
            manifest_problems(job(["sync", "--config", "/p.yaml", "--shard=1/4", "-j", "8"])), []
        )

    def test_an_unknown_flag_is_named_with_its_subcommand(self):
        problems = manifest_problems(job(["sync", "--bogus"]))
        self.assertEqual(len(problems), 1)
        self.assertIn("regmigrate sync has no option --bogus", problems[0])

    def test_args_must_start_with_a_subcommand(self):
        self.assertIn("not a regmigrate subcommand", manifest_problems(job(["--config", "x"]))[0])

    def test_the_image_tag_must_be_the_project_version(self):
        problems = manifest_problems(job(["sync"], image="r.example/regmigrate:0.0.9"))
        self.assertIn("not tagged with the project's version 0.1.0", problems[0])

    def test_an_untagged_image_on_a_registry_with_a_port_has_no_tag(self):
        problems = manifest_problems(job(["sync"], image="registry.example:5000/regmigrate"))
        self.assertIn("not tagged with the project's version", problems[0])

    def test_other_images_are_not_regmigrate_containers(self):
        self.assertEqual(manifest_problems(job(["anything"], image="busybox:1")), [])

    def test_run_as_user_must_be_the_images_user(self):
        self.assertIn("runAsUser 0", manifest_problems(job(["sync"], run_as=0))[0])

    def test_deployments_and_cronjobs_are_checked_too(self):
        for kind in ("Deployment", "CronJob"):
            self.assertIn("--bogus", manifest_problems(job(["sync", "--bogus"], kind=kind))[0])

    def test_a_watch_without_healthz_probes_is_named_per_probe(self):
        container = {"args": ["sync", "--watch", "5m", "--metrics-addr", ":9100"]}
        problems = check.probe_problems("m.yaml", container, container["args"])
        self.assertEqual(len(problems), 2)
        self.assertIn("livenessProbe with httpGet /healthz on port 9100", problems[0])
        self.assertIn("readinessProbe", problems[1])

    def test_a_watch_probed_on_healthz_at_the_metrics_port_passes(self):
        probe = {"httpGet": {"path": "/healthz", "port": "metrics"}}
        container = {
            "args": ["sync", "--watch=5m", "--metrics-addr=:9100"],
            "ports": [{"name": "metrics", "containerPort": 9100}],
            "livenessProbe": probe,
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": 9100}},
        }
        self.assertEqual(check.probe_problems("m.yaml", container, container["args"]), [])

    def test_a_probe_on_another_port_or_path_is_named(self):
        container = {
            "args": ["sync", "--watch", "5m", "--metrics-addr", ":9100"],
            "livenessProbe": {"httpGet": {"path": "/metrics", "port": 9100}},
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
        }
        self.assertEqual(len(check.probe_problems("m.yaml", container, container["args"])), 2)

    def test_a_watch_without_metrics_addr_is_named(self):
        problems = check.probe_problems("m.yaml", {}, ["sync", "--watch", "5m"])
        self.assertIn("without --metrics-addr", problems[0])

    def test_a_run_without_watch_needs_no_probes(self):
        self.assertEqual(check.probe_problems("m.yaml", {}, ["sync", "--config", "p"]), [])

    def test_an_unknown_kind_or_wrong_api_version_is_named(self):
        problems = manifest_problems(
            {"apiVersion": "v1", "kind": "Ingress"}, dict(job(["sync"]), apiVersion="batch/v2")
        )
        self.assertIn("kind 'Ingress' is not one the check knows", problems[0])
        self.assertIn("apiVersion 'batch/v2', not batch/v1", problems[1])

    def test_secrets_and_keys_used_must_be_defined_unless_optional(self):
        document = job(["sync"])
        container = document["spec"]["template"]["spec"]["containers"][0]
        container["env"] = [
            {"name": "A", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "src-password"}}},
            {"name": "B", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "dest-password"}}},
            {
                "name": "C",
                "valueFrom": {"configMapKeyRef": {"name": "extra", "key": "p", "optional": True}},
            },
            {"name": "D", "valueFrom": {"configMapKeyRef": {"name": "plan", "key": "p"}}},
        ]
        problems = manifest_problems(self.secret, document)
        self.assertEqual(len(problems), 2)
        self.assertIn("key dest-password of Secret creds", problems[0])
        self.assertIn("ConfigMap plan, which no manifest defines", problems[1])


if __name__ == "__main__":
    unittest.main()

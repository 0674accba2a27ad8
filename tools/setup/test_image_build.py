"""Unit tests of image_build.py's COPY (temporary directories; no chroot, no root needed)."""

import tempfile
import unittest
from pathlib import Path

import dockerfile
import image_build


class IgnoreTest(unittest.TestCase):
    patterns = ["build*", ".git", "compile_commands.json"]

    def test_a_pattern_excludes_a_top_level_entry_and_everything_under_it(self):
        self.assertTrue(image_build.is_ignored("build-asan/tools/regmigrate", self.patterns))
        self.assertTrue(image_build.is_ignored(".git/HEAD", self.patterns))

    def test_a_pattern_does_not_match_a_deeper_entry_of_the_same_name(self):
        self.assertFalse(image_build.is_ignored("tools/setup/build.sh", self.patterns))


class CopyTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        base = Path(self.directory.name)
        self.context, self.root = base / "context", base / "root"
        (self.context / "tools/setup/packages").mkdir(parents=True)
        (self.context / "build/tools").mkdir(parents=True)
        (self.context / "tools/setup/install-deps.sh").write_text("#!/bin/sh\n")
        (self.context / "tools/setup/packages/build.txt").write_text("cmake\n")
        (self.context / "build/tools/regmigrate").write_text("binary")
        (self.context / ".dockerignore").write_text("# comment\nbuild*\n")
        self.root.mkdir()
        self.builder = image_build.StageBuilder(base / "unused", self.context, base / "out")

    def tearDown(self):
        self.directory.cleanup()

    def copy(self, arguments, workdir="/"):
        self.builder.copy(dockerfile.Instruction("COPY", arguments, 1), self.root, workdir)

    def test_a_file_to_a_directory_keeps_its_name(self):
        self.copy("tools/setup/install-deps.sh /setup/")
        self.assertTrue((self.root / "setup/install-deps.sh").is_file())

    def test_the_context_is_copied_into_the_workdir_without_ignored_paths(self):
        self.copy(". .", workdir="/src")
        self.assertTrue((self.root / "src/tools/setup/packages/build.txt").is_file())
        self.assertFalse((self.root / "src/build").exists())

    def test_a_source_outside_the_context_is_refused(self):
        with self.assertRaisesRegex(dockerfile.DockerfileError, "outside the context"):
            self.copy("../etc/passwd /x")

    def test_copy_from_a_stage_reads_that_stages_root(self):
        stage_root = Path(self.directory.name) / "build-stage"
        (stage_root / "build/tools").mkdir(parents=True)
        (stage_root / "build/tools/regmigrate").write_text("built")
        self.builder.roots["build"] = stage_root
        self.copy("--from=build /build/tools/regmigrate /usr/local/bin/regmigrate")
        self.assertEqual((self.root / "usr/local/bin/regmigrate").read_text(), "built")


if __name__ == "__main__":
    unittest.main()

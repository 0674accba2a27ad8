#!/usr/bin/env python3
"""Writes a small OCI image layout (one image, one gzip layer of a few files) for checks
that need an image to push without building regmigrate's fleetgen; tools/setup/image-check.sh
pushes it with skopeo. Deterministic: the same arguments give the same digests.

Usage: oci_sample.py DIR TAG
"""

import gzip
import hashlib
import io
import json
import sys
import tarfile
from pathlib import Path


def layer_tar():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, size in (("hello.txt", 12), ("data/blob.bin", 300_000)):
            content = (b"hello world\n" * (size // 12 + 1))[:size]
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(content), 0, 0o644
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def write_blob(layout, content):
    digest = hashlib.sha256(content).hexdigest()
    (layout / "blobs/sha256" / digest).write_bytes(content)
    return f"sha256:{digest}"


def descriptor(media_type, digest, content):
    return {"mediaType": media_type, "digest": digest, "size": len(content)}


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    layout, tag = Path(sys.argv[1]), sys.argv[2]
    (layout / "blobs/sha256").mkdir(parents=True, exist_ok=True)
    tar = layer_tar()
    layer = gzip.compress(tar, mtime=0)
    layer_digest = write_blob(layout, layer)
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {},
            "rootfs": {"type": "layers", "diff_ids": [f"sha256:{hashlib.sha256(tar).hexdigest()}"]},
        }
    ).encode()
    config_digest = write_blob(layout, config)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": descriptor("application/vnd.oci.image.config.v1+json", config_digest, config),
            "layers": [
                descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer_digest, layer)
            ],
        }
    ).encode()
    manifest_digest = write_blob(layout, manifest)
    entry = descriptor("application/vnd.oci.image.manifest.v1+json", manifest_digest, manifest)
    entry["annotations"] = {"org.opencontainers.image.ref.name": tag}
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [entry]}))
    (layout / "oci-layout").write_text(json.dumps({"imageLayoutVersion": "1.0.0"}))
    print(manifest_digest)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""tests/python/wheels.py - build the test wheels for _lsb_wheel with
zipfile (no PyPI): one good wheel, its next version, and one archive for
each refusal the installer must give.

    python3 tests/python/wheels.py OUTDIR   # writes every case; prints one
                                            # "file<TAB>reason regex" line each

Used by tests/python/test_lsb_wheel.py and tests/e2e/batteries_py.sh.
"""
import io
import os
import sys
import tarfile
import zipfile

BIG_MEMBER_BYTES = 101 * 1024 * 1024   # just over the installer's 100 MiB limit
MANY_MEMBERS = 10_001                  # just over its 10,000-member limit


def wheel_bytes(name="demo_pkg", version="1.0", files=None, tag="py3-none-any", purelib="true",
                omit=(), extra_members=(), dist_info=None):
    """Return the bytes of a wheel. files maps member path -> text (the
    default is one package whose VALUE is the version). omit drops WHEEL
    or METADATA; extra_members is a list of (ZipInfo or name, bytes)."""
    if files is None:
        files = {f"{name}/__init__.py": f"VALUE = {version!r}\n"}
    dist_info = dist_info or f"{name}-{version}.dist-info"
    meta = {
        "WHEEL": f"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: {purelib}\n"
                 + "".join(f"Tag: {t}\n" for t in tag.split(",")),
        "METADATA": f"Metadata-Version: 2.1\nName: {name.replace('_', '-')}\nVersion: {version}\n",
        "RECORD": "",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in files.items():
            archive.writestr(path, text)
        for member, data in extra_members:
            archive.writestr(member, data)
        for base, text in meta.items():
            if base not in omit:
                archive.writestr(f"{dist_info}/{base}", text)
    return buffer.getvalue()


def _zip(members):
    """Return the bytes of a zip holding (name, text) members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members:
            archive.writestr(name, text)
    return buffer.getvalue()


def _sdist_tar():
    """Return the bytes of a small .tar.gz source distribution."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = b"from setuptools import setup\nsetup(name='demo')\n"
        info = tarfile.TarInfo("demo-1.0/setup.py")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _symlink_member():
    """A zip entry whose mode says symlink."""
    info = zipfile.ZipInfo("demo_pkg/link.py")
    info.external_attr = (0o120777 << 16)
    return info


def _big_wheel():
    """A wheel with one member just over the size limit (it compresses
    to a few hundred KiB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("demo_pkg/__init__.py", "")
        with archive.open("demo_pkg/big.bin", "w", force_zip64=True) as sink:
            block = b"\0" * (1024 * 1024)
            for _ in range(BIG_MEMBER_BYTES // len(block)):
                sink.write(block)
        archive.writestr("demo_pkg-1.0.dist-info/WHEEL", "Root-Is-Purelib: true\nTag: py3-none-any\n")
        archive.writestr("demo_pkg-1.0.dist-info/METADATA", "Name: demo-pkg\nVersion: 1.0\n")
    return buffer.getvalue()


def cases():
    """Return {file name: (bytes, expected reason regex or None for a
    good install)}; the file name matters to the installer (tags, .tar.gz)."""
    good = wheel_bytes()
    return {
        "demo_pkg-1.0-py3-none-any.whl": (good, None),
        "demo_pkg-2.0-py2.py3-none-any.whl": (wheel_bytes(
            version="2.0", tag="py2-none-any,py3-none-any",
            files={"demo_pkg/__init__.py": "VALUE = '2.0'\n", "demo_pkg/extra.py": "X = 2\n"},
            extra_members=[("demo_pkg-2.0.data/purelib/demo_pure.py", "P = 'purelib'\n")]), None),
        "renamed.whl": (good, None),
        "demo-1.0.tar.gz": (_sdist_tar(), "source distribution"),
        "demo-1.0.zip": (_zip([("demo-1.0/setup.py", "from setuptools import setup\n"),
                               ("demo-1.0/PKG-INFO", "Name: demo\n")]), "source distribution"),
        "demo_native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl": (
            wheel_bytes(name="demo_native", tag="cp311-cp311-manylinux_2_17_x86_64"), "specific Python or platform"),
        "platform-tag-inside.whl": (
            wheel_bytes(tag="py3-none-linux_x86_64"), "specific Python or platform"),
        "not-purelib.whl": (wheel_bytes(purelib="false"), "Root-Is-Purelib"),
        "native-file.whl": (wheel_bytes(files={"demo_pkg/__init__.py": "", "demo_pkg/_speed.so": "ELF"}),
                            "native code"),
        "native-pyd.whl": (wheel_bytes(files={"demo_pkg/__init__.py": "", "demo_pkg/_speed.pyd": "MZ"}),
                           "native code"),
        "corrupt.whl": (good[: len(good) // 2], "corrupt"),
        "absolute.whl": (wheel_bytes(extra_members=[("/tmp/evil.py", "x = 1\n")]), "absolute member path"),
        "dotdot.whl": (wheel_bytes(extra_members=[("demo_pkg/../../evil.py", "x = 1\n")]), r"'\.\.'"),
        "symlink.whl": (wheel_bytes(extra_members=[(_symlink_member(), "/etc/passwd")]), "symlink"),
        "many-members.whl": (wheel_bytes(files={f"demo_pkg/m{i}.py": "" for i in range(MANY_MEMBERS)}),
                             "more than the limit of 10000"),
        "too-big.whl": (_big_wheel(), "more than the limit of 104857600 bytes"),
        "no-wheel-file.whl": (wheel_bytes(omit=("WHEEL",)), "has no demo_pkg-1.0.dist-info/WHEEL"),
        "no-metadata.whl": (wheel_bytes(omit=("METADATA",)), "has no demo_pkg-1.0.dist-info/METADATA"),
        "no-dist-info.whl": (_zip([("demo_pkg/__init__.py", "")]), "no .dist-info"),
        "scripts.whl": (wheel_bytes(extra_members=[("demo_pkg-1.0.data/scripts/demo", "#!/bin/sh\n")]),
                        "scripts"),
        "headers.whl": (wheel_bytes(extra_members=[("demo_pkg-1.0.data/headers/demo.h", "")]), "headers"),
        "platlib.whl": (wheel_bytes(extra_members=[("demo_pkg-1.0.data/platlib/demo_c.py", "")]), "platlib"),
        "python2-only.whl": (wheel_bytes(tag="py2-none-any"), "Python 2 only"),
    }


def write_all(folder):
    """Write every case into folder; return {file name: reason regex or None}."""
    os.makedirs(folder, exist_ok=True)
    reasons = {}
    for name, (data, reason) in cases().items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
        reasons[name] = reason
    return reasons


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: wheels.py OUTDIR")
    for name, reason in sorted(write_all(sys.argv[1]).items()):
        print(f"{name}\t{reason or ''}")

"""embed.py FILE - print FILE as a C header holding one string constant.

Used by build.sh to compile prelude.py into the driver, so the guest needs no
extra file at run time. The constant is named lsb_prelude_source.
"""
import sys

def main(path):
    data = open(path, "rb").read()
    print("/* generated from %s by embed.py; do not edit */" % path.rsplit("/", 1)[-1])
    print("static const char lsb_prelude_source[] =")
    for line in data.splitlines(True):
        escaped = "".join(
            "\\%03o" % b if b < 32 or b >= 127 or b in (34, 92) else chr(b) for b in line)
        print('  "%s"' % escaped)
    print(";")

if __name__ == "__main__":
    main(sys.argv[1])

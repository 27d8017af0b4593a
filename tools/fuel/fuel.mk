# fuel.mk - builds lsb-fuel; include from the top-level Makefile.
# Needs Debian's binaryen (108): /usr/include/binaryen-c.h, libbinaryen.so.
# Equivalent command:
#   gcc -std=c11 -O2 -Wall -Wextra -Werror tools/fuel/fuel.c -lbinaryen \
#       -o build/tools/lsb-fuel
LSB_FUEL := build/tools/lsb-fuel

$(LSB_FUEL): tools/fuel/fuel.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror $< -lbinaryen -o $@

.PHONY: fuel-test
fuel-test: $(LSB_FUEL)
	LSB_FUEL=$(abspath $(LSB_FUEL)) tools/fuel/test/run.sh

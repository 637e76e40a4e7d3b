/* euprio-check-config: see src/lib/prog_check.c; main stays thin so tests call the logic. */
#include "euprio/cli.h"

int main(int argc, char **argv)
{
	return eu_check_main(argc, argv);
}

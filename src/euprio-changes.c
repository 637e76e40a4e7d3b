/* euprio-changes: see src/lib/prog_changes.c; main stays thin so tests call the logic. */
#include "euprio/cli.h"

int main(int argc, char **argv)
{
	return eu_changes_main(argc, argv);
}

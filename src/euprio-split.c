/* euprio-split: see src/lib/prog_split.c; main stays thin so tests call the logic. */
#include "euprio/cli.h"

int main(int argc, char **argv)
{
	return eu_split_main(argc, argv);
}

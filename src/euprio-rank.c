/* euprio-rank: see src/lib/prog_rank.c; main stays thin so tests call the logic. */
#include "euprio/rank.h"

int main(int argc, char **argv)
{
	return eu_rank_main(argc, argv);
}

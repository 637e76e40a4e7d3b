/* euprio-goals: see src/lib/prog_goals.c; main stays thin so tests call the logic. */
#include "euprio/goals.h"

int main(int argc, char **argv)
{
	return eu_goals_main(argc, argv);
}

/* euprio-local: see src/lib/prog_local.c; main stays thin so tests call the logic. */
#include "euprio/local.h"

int main(int argc, char **argv)
{
	return eu_local_main(argc, argv);
}

/* euprio-cat: see prog_cat.c; main stays thin so tests call the logic. */
#include "euprio/cli.h"

int main(int argc, char **argv)
{
	return eu_cat_main(argc, argv);
}

/* euprio-sdeo: see src/lib/prog_sdeo.c; main stays thin so tests call the logic. */
#include "euprio/sdeo.h"

int main(int argc, char **argv)
{
	return eu_sdeo_main(argc, argv);
}

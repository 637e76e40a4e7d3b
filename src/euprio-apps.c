/* euprio-apps: see src/lib/prog_apps.c; main stays thin so tests call the logic. */
#include "euprio/apps.h"

int main(int argc, char **argv)
{
	return eu_apps_main(argc, argv);
}

/* euprio-xlsx: see src/xlsx/xlsx.c; main stays thin so tests call the logic. */
#include "euprio/xlsx.h"

int main(int argc, char **argv)
{
	return eu_xlsx_main(argc, argv);
}

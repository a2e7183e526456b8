/* SPDX-License-Identifier: ISC */
/* placeholder: being written */
int main(void);
int
main(void)
{
	return 1;
}

/* SPDX-License-Identifier: ISC */
/* placeholder: being written */

/* SPDX-License-Identifier: MIT */
/*
 * A CPython extension module whose value() returns CALL(), a function of an
 * external library: cc -DMODNAME=_core -DCALL=greet_value ... -lgreet.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define WA_CAT2(a, b) a##b
#define WA_CAT(a, b) WA_CAT2(a, b)
#define WA_STR2(a) #a
#define WA_STR(a) WA_STR2(a)

int CALL(void);

static PyObject *value(PyObject *self, PyObject *args)
{
	(void)self;
	(void)args;
	return PyLong_FromLong(CALL());
}

static PyMethodDef methods[] = {
	{"value", value, METH_NOARGS, "CALL() of the external library"},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef def = {
	PyModuleDef_HEAD_INIT, WA_STR(MODNAME), NULL, -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC WA_CAT(PyInit_, MODNAME)(void);
PyMODINIT_FUNC WA_CAT(PyInit_, MODNAME)(void)
{
	return PyModule_Create(&def);
}

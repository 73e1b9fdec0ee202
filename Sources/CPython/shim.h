// The part of CPython's C API that qdb uses, plus tiny inline helpers for
// what Swift cannot import directly: object-like macros (Py_None), type-check
// macros, C globals (PyExc_*), PyModuleDef_HEAD_INIT and variadic calls.
//
// No library is linked here on purpose: qdb-python and the tracer's tests
// embed libpython, and the `_qdb` extension module links none (its symbols
// come from the python that loads it). The headers are those of the
// interpreter the build is for (Package.swift passes its include folder).
//
// This file and Sources/QdbTracer/Python are where CPython versions differ:
// the helpers below hide field layouts and API changes, so that Swift code
// reads the same on 3.11, 3.12 and 3.13.
#pragma once

// Glibc first, or files importing both CPython and Glibc fail on clean builds
// with an fd_set clash.
#if __has_include(<SwiftGlibc.h>)
#include <SwiftGlibc.h>
#endif

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>

#if PY_VERSION_HEX < 0x030B0000
#error "qdb needs CPython 3.11 or later"
#endif
// The GIL is the tracer's lock (see PythonGIL.swift).
#ifdef Py_GIL_DISABLED
#error "qdb needs a CPython with the GIL, not a free-threaded build"
#endif

// The frame object's fields (f_trace, f_trace_lines) are in an internal
// header; it needs Py_BUILD_CORE, defined only around it so the public
// headers above keep their public meaning.
#define Py_BUILD_CORE 1
#include <internal/pycore_frame.h>
#undef Py_BUILD_CORE

// MARK: - Singletons and type checks

static inline PyObject *qdb_none(void) { return Py_None; }
static inline PyObject *qdb_true(void) { return Py_True; }
static inline PyObject *qdb_false(void) { return Py_False; }
static inline PyObject *qdb_new_none(void) { Py_RETURN_NONE; }
static inline PyObject *qdb_new_bool(int value) { return PyBool_FromLong(value); }

static inline int qdb_is_none(PyObject *o) { return o == Py_None; }
static inline int qdb_is_bool(PyObject *o) { return PyBool_Check(o); }
static inline int qdb_is_long(PyObject *o) { return PyLong_Check(o); }
static inline int qdb_is_float(PyObject *o) { return PyFloat_Check(o); }
static inline int qdb_is_unicode(PyObject *o) { return PyUnicode_Check(o); }
static inline int qdb_is_list(PyObject *o) { return PyList_Check(o); }
static inline int qdb_is_tuple(PyObject *o) { return PyTuple_Check(o); }
static inline int qdb_is_dict(PyObject *o) { return PyDict_Check(o); }
static inline int qdb_is_exception_instance(PyObject *o) {
    return PyExceptionInstance_Check(o);
}
static inline PyTypeObject *qdb_type(PyObject *o) { return Py_TYPE(o); }
static inline void qdb_incref(PyObject *o) { Py_INCREF(o); }
static inline void qdb_decref(PyObject *o) { Py_DECREF(o); }
static inline void qdb_xdecref(PyObject *o) { Py_XDECREF(o); }

// MARK: - Exceptions (C globals are not importable under Swift 6)

static inline PyObject *qdb_exc_base_exception(void) { return PyExc_BaseException; }
static inline PyObject *qdb_exc_exception(void) { return PyExc_Exception; }
static inline PyObject *qdb_exc_runtime_error(void) { return PyExc_RuntimeError; }
static inline PyObject *qdb_exc_type_error(void) { return PyExc_TypeError; }
static inline PyObject *qdb_exc_value_error(void) { return PyExc_ValueError; }
static inline PyObject *qdb_exc_stop_iteration(void) { return PyExc_StopIteration; }
static inline PyObject *qdb_exc_generator_exit(void) { return PyExc_GeneratorExit; }
static inline PyObject *qdb_exc_system_exit(void) { return PyExc_SystemExit; }
static inline PyObject *qdb_exc_keyboard_interrupt(void) { return PyExc_KeyboardInterrupt; }
static inline PyObject *qdb_exc_name_error(void) { return PyExc_NameError; }

// MARK: - Modules

static inline void qdb_module_def_init(PyModuleDef *def, const char *name,
                                       const char *doc, PyMethodDef *methods) {
    PyModuleDef init = {PyModuleDef_HEAD_INIT, name, doc, -1, methods,
                        NULL, NULL, NULL, NULL};
    *def = init;
}

static inline PyObject *qdb_module_create(PyModuleDef *def) {
    return PyModule_Create2(def, PYTHON_API_VERSION);
}

// MARK: - Calls (the variadic forms are not importable)

static inline PyObject *qdb_call0(PyObject *callable) {
    return PyObject_CallNoArgs(callable);
}
static inline PyObject *qdb_call1(PyObject *callable, PyObject *a) {
    return PyObject_CallOneArg(callable, a);
}
static inline PyObject *qdb_call2(PyObject *callable, PyObject *a, PyObject *b) {
    PyObject *args[2] = {a, b};
    return PyObject_Vectorcall(callable, args, 2, NULL);
}
static inline PyObject *qdb_call3(PyObject *callable, PyObject *a, PyObject *b,
                                  PyObject *c) {
    PyObject *args[3] = {a, b, c};
    return PyObject_Vectorcall(callable, args, 3, NULL);
}

// MARK: - Code objects and frames

static inline int qdb_code_flags(PyCodeObject *code) { return code->co_flags; }
static inline int qdb_code_first_line(PyCodeObject *code) { return code->co_firstlineno; }
static inline PyObject *qdb_code_filename(PyCodeObject *code) { return code->co_filename; }
static inline PyObject *qdb_code_name(PyCodeObject *code) { return code->co_name; }

// Generators, coroutines and async generators: bdb treats their frames
// specially when stepping out of them.
static inline int qdb_code_is_generator_like(PyCodeObject *code) {
    return (code->co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR)) != 0;
}

// MARK: - Interpreter

static inline int qdb_is_finalizing(void) {
#if PY_VERSION_HEX < 0x030D0000
    return _Py_IsFinalizing();
#else
    return Py_IsFinalizing();
#endif
}

// MARK: - Signals

static inline int qdb_signal_usr2(void) { return SIGUSR2; }

// MARK: - Frames

// Whether the frame gets line events at all (a frame-local switch the
// interpreter checks before calling the trace function).
static inline void qdb_frame_set_trace_lines(PyFrameObject *frame, int on) {
    frame->f_trace_lines = (char)(on != 0);
}

// f_trace: qdb stores a marker there for frames the debugger traces, which
// is how sys.settrace's trampoline decides whether a frame gets events.
static inline PyObject *qdb_frame_trace(PyFrameObject *frame) {
    return frame->f_trace;
}
static inline void qdb_frame_set_trace(PyFrameObject *frame, PyObject *trace) {
    Py_XINCREF(trace);
    Py_XSETREF(frame->f_trace, trace);
}

// A frame's locals for eval: a dict refreshed from the fast locals (3.11,
// 3.12), or on 3.13 a write-through proxy (PEP 667) for function frames.
static inline PyObject *qdb_frame_locals(PyFrameObject *frame) {
    return PyFrame_GetLocals(frame);
}

// A local variable of a function frame, by name, read without building
// the locals mapping: a new reference, or NULL when it cannot be read so
// (with NameError set when it is unbound, on 3.12+). 3.11 has no
// PyFrame_GetVar: there the frame's plain fast locals are read directly,
// and a cell or free variable gives NULL.
static inline PyObject *qdb_frame_variable(PyFrameObject *frame, PyObject *name) {
#if PY_VERSION_HEX >= 0x030C0000
    return PyFrame_GetVar(frame, name);
#else
    _PyInterpreterFrame *running = frame->f_frame;
    PyCodeObject *code = running->f_code;
    for (int i = 0; i < code->co_nlocalsplus; i++) {
        PyObject *candidate = PyTuple_GET_ITEM(code->co_localsplusnames, i);
        if (candidate != name && !_PyUnicode_EQ(candidate, name)) {
            continue;
        }
        if ((unsigned char)PyBytes_AS_STRING(code->co_localspluskinds)[i] != 0x20) {
            return NULL;  // Not CO_FAST_LOCAL alone: a cell or a free variable.
        }
        PyObject *value = running->localsplus[i];
        Py_XINCREF(value);
        return value;
    }
    return NULL;
#endif
}

// Writes a locals dict changed by eval back to the fast locals; 3.13's
// proxy has written through already.
static inline void qdb_frame_store_locals(PyFrameObject *frame) {
#if PY_VERSION_HEX < 0x030D0000
    PyFrame_LocalsToFast(frame, 0);
#else
    (void)frame;
#endif
}

// MARK: - Threads

// The OS thread a thread state belongs to (threading.get_ident()'s value).
static inline unsigned long qdb_thread_ident(PyThreadState *thread) {
    return thread->thread_id;
}

// A thread state's serial number: never reused within the interpreter, where
// idents (pthread ids) and thread state addresses are.
static inline uint64_t qdb_thread_serial(PyThreadState *thread) {
    return thread->id;
}

// Whether `function` is the thread's C trace function (another tool's,
// sys.settrace from coverage say, is left alone).
static inline int qdb_thread_is_traced_by(PyThreadState *thread, Py_tracefunc function) {
    return thread->c_tracefunc == function;
}

// The C trace function of stepping threads. 3.13 no longer exports the
// per-thread setter, so 3.12+ set it on every thread at once (the session
// runs each thread by its own rule); 3.11 sets it on `thread` alone, from
// any thread.
static inline int qdb_set_trace(PyThreadState *thread, Py_tracefunc function) {
#if PY_VERSION_HEX < 0x030C0000
    return _PyEval_SetTrace(thread, function, NULL);
#else
    (void)thread;
    // Failures (an audit hook saying no) go to sys.unraisablehook.
    PyEval_SetTraceAllThreads(function, NULL);
    return 0;
#endif
}

// Whether qdb_set_trace sets one thread's trace function (3.11) or every
// thread's (3.12+).
static inline int qdb_trace_is_per_thread(void) {
    return PY_VERSION_HEX < 0x030C0000;
}

// Per-code-object slots for the debugger's facts (co_extra): private names
// on 3.11, "unstable" public ones from 3.12.
static inline Py_ssize_t qdb_code_request_extra_index(freefunc free) {
#if PY_VERSION_HEX < 0x030C0000
    return _PyEval_RequestCodeExtraIndex(free);
#else
    return PyUnstable_Eval_RequestCodeExtraIndex(free);
#endif
}
static inline int qdb_code_get_extra(PyObject *code, Py_ssize_t index, void **extra) {
#if PY_VERSION_HEX < 0x030C0000
    return _PyCode_GetExtra(code, index, extra);
#else
    return PyUnstable_Code_GetExtra(code, index, extra);
#endif
}
static inline int qdb_code_set_extra(PyObject *code, Py_ssize_t index, void *extra) {
#if PY_VERSION_HEX < 0x030C0000
    return _PyCode_SetExtra(code, index, extra);
#else
    return PyUnstable_Code_SetExtra(code, index, extra);
#endif
}

static inline PyObject *qdb_float_repr(PyObject *o) {
    return PyFloat_Type.tp_repr(o);
}

#if PY_VERSION_HEX < 0x030C0000
// MARK: - Thread tracing state (for 3.11's frame hook)

// The tracing switches the eval loop reads: the thread's trace function and
// the current C frame's use_tracing flag, kept consistent the way
// _PyThreadState_UpdateTracingState does (off while a trace callback runs).
static inline void qdb_thread_set_trace_function(PyThreadState *thread, Py_tracefunc function) {
    thread->c_tracefunc = function;
    thread->cframe->use_tracing =
        (thread->tracing == 0 && (function != NULL || thread->c_profilefunc != NULL)) ? 255 : 0;
}

static inline Py_tracefunc qdb_thread_trace_function(PyThreadState *thread) {
    return thread->c_tracefunc;
}

static inline int qdb_thread_is_in_trace_callback(PyThreadState *thread) {
    return thread->tracing != 0;
}

// The C frame of the innermost running eval loop; each running loop has
// one, linked through `previous`.
static inline void *qdb_thread_cframe(PyThreadState *thread) {
    return thread->cframe;
}

// Turns line tracing on or off in every running eval loop of the thread
// (frames already running, which the frame hook never saw start).
// Inside a trace callback the innermost loop's flag stays off: the
// interpreter sets it again from c_tracefunc when the callback returns.
static inline void qdb_thread_set_tracing_in_all_cframes(PyThreadState *thread, int on) {
    for (_PyCFrame *cframe = thread->cframe; cframe != NULL; cframe = cframe->previous) {
        cframe->use_tracing = on ? 255 : 0;
    }
    if (thread->tracing != 0) {
        thread->cframe->use_tracing = 0;
    }
}

// The code of the frame the innermost eval loop is running, or NULL.
static inline PyCodeObject *qdb_thread_current_code(PyThreadState *thread) {
    _PyInterpreterFrame *frame = thread->cframe->current_frame;
    return frame != NULL ? frame->f_code : NULL;
}

static inline PyCodeObject *qdb_interpreter_frame_code(struct _PyInterpreterFrame *frame) {
    return frame->f_code;
}

// MARK: - Code extras (co_extra), read without a call

// The layout of co_extra (Objects/codeobject.c, stable within 3.11): the
// frame hook reads its per-code answer on every call, so it skips the
// function call and checks of _PyCode_GetExtra.
typedef struct {
    Py_ssize_t size;
    void *extras[1];
} qdb_code_extras;

static inline void *qdb_code_extra(PyCodeObject *code, Py_ssize_t index) {
    qdb_code_extras *extras = (qdb_code_extras *)code->co_extra;
    return (extras != NULL && index < extras->size) ? extras->extras[index] : NULL;
}

// Running Python from inside the frame hook (a user skip_fn, say) must not
// come back into the hook or the trace function: the same guard the
// interpreter uses around trace callbacks.
static inline uint8_t qdb_thread_pause_tracing(PyThreadState *thread) {
    uint8_t was = thread->cframe->use_tracing;
    thread->tracing++;
    thread->cframe->use_tracing = 0;
    return was;
}

static inline void qdb_thread_resume_tracing(PyThreadState *thread, uint8_t was) {
    thread->tracing--;
    thread->cframe->use_tracing = was;
}
#endif  // 3.11

/*===- zellige.h - C API of the Zellige runtime -------------------*- C -*-===*
 *
 * This file declares the C API of the runtime: open a compiled .zlg bundle
 * on a device, describe its inputs and outputs, set inputs, run, and read
 * outputs. It is plain C (C99) and links from C, C++ or any FFI.
 *
 *   zlg_session_t *s;
 *   if (zlg_session_create("model.zlg", "host", 0, &s) != ZLG_OK)
 *     fprintf(stderr, "%s\n", zlg_last_error());
 *   zlg_session_set_input(s, "x", x, sizeof x);
 *   zlg_session_run(s);
 *   const void *y; size_t n;
 *   zlg_session_get_output(s, "y", &y, &n);
 *   zlg_session_destroy(s);
 *
 * A session is used by one thread at a time; different sessions are
 * independent. Tensor data is row-major and little-endian.
 *
 *===----------------------------------------------------------------------===*/

#ifndef ZELLIGE_ZELLIGE_H
#define ZELLIGE_ZELLIGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum zlg_status {
  ZLG_OK = 0,
  ZLG_ERROR_INVALID_ARGUMENT = 1, /* bad pointer, index, name or size */
  ZLG_ERROR_BUNDLE = 2,           /* cannot open or verify the bundle */
  ZLG_ERROR_DEVICE = 3,           /* no such device, or it cannot load it */
  ZLG_ERROR_RUN = 4               /* running the model failed */
} zlg_status;

/* Element types, in the order of zellige::DType. */
typedef enum zlg_dtype {
  ZLG_DTYPE_F32 = 0,
  ZLG_DTYPE_F16 = 1,
  ZLG_DTYPE_BF16 = 2,
  ZLG_DTYPE_F64 = 3,
  ZLG_DTYPE_I8 = 4,
  ZLG_DTYPE_I16 = 5,
  ZLG_DTYPE_I32 = 6,
  ZLG_DTYPE_I64 = 7,
  ZLG_DTYPE_U8 = 8,
  ZLG_DTYPE_U16 = 9,
  ZLG_DTYPE_U32 = 10,
  ZLG_DTYPE_U64 = 11,
  ZLG_DTYPE_BOOL = 12,
  /* Not a type: makes the enum as wide as an int, so that any int value a
     caller passes is a valid zlg_dtype to check (and refuse). */
  ZLG_DTYPE_FORCE_INT = 0x7fffffff
} zlg_dtype;

typedef struct zlg_session zlg_session_t;

/* The message of the last failed call on this thread ("" if none). Valid
 * until the next failing call on the same thread. */
const char *zlg_last_error(void);

/* Bytes per element of `dtype` (0 for an unknown value). */
size_t zlg_dtype_size(zlg_dtype dtype);
/* "f32", "i64", ... (NULL for an unknown value). */
const char *zlg_dtype_name(zlg_dtype dtype);

/* Opens `bundle_path` on `device` ("host", "cuda:0", ...; NULL or "auto"
 * picks the best available device the bundle has code for) with `threads`
 * host threads (0: all cores). */
zlg_status zlg_session_create(const char *bundle_path, const char *device,
                              int threads, zlg_session_t **out);
/* Frees the session; NULL is ignored. */
void zlg_session_destroy(zlg_session_t *session);
/* The name of the device the session runs on. */
const char *zlg_session_device(const zlg_session_t *session);

size_t zlg_session_input_count(const zlg_session_t *session);
/* NULL when `index` is out of range. */
const char *zlg_session_input_name(const zlg_session_t *session, size_t index);
/* `*dims` stays valid while the session lives. */
zlg_status zlg_session_input_shape(const zlg_session_t *session, size_t index,
                                   const int64_t **dims, size_t *rank);
zlg_status zlg_session_input_dtype(const zlg_session_t *session, size_t index,
                                   zlg_dtype *dtype);

size_t zlg_session_output_count(const zlg_session_t *session);
const char *zlg_session_output_name(const zlg_session_t *session, size_t index);
zlg_status zlg_session_output_shape(const zlg_session_t *session, size_t index,
                                    const int64_t **dims, size_t *rank);
zlg_status zlg_session_output_dtype(const zlg_session_t *session, size_t index,
                                    zlg_dtype *dtype);

/* Copies `bytes` bytes of input `name`; `bytes` must be the input's size. */
zlg_status zlg_session_set_input(zlg_session_t *session, const char *name,
                                 const void *data, size_t bytes);
/* Runs the model once every input has been set. */
zlg_status zlg_session_run(zlg_session_t *session);
/* The data of output `name` from the last successful run; valid until the
 * next run or destroy. */
zlg_status zlg_session_get_output(zlg_session_t *session, const char *name,
                                  const void **data, size_t *bytes);

#ifdef __cplusplus
}
#endif

#endif /* ZELLIGE_ZELLIGE_H */

/*===- capi_client.c - A C program's use of the runtime C API -------------===*
 *
 * This file is compiled as C to check that zellige.h is plain C and to use
 * the C API the way a C program would: open a bundle, inspect its inputs
 * and outputs, run it and read an output. CAPITest.cpp calls it.
 *
 *===----------------------------------------------------------------------===*/

#include "zellige/zellige.h"

#include <stdio.h>
#include <string.h>

/* Runs the test model of TestObjects.h on `x` (`n` floats) and copies
 * output `y` to `y`. Returns 0 on success, else writes why to `why`. */
int zlg_test_c_client(const char *bundle, const float *x, size_t n, float *y,
                      char *why, size_t why_len) {
  zlg_session_t *s = NULL;
  const int64_t *dims = NULL;
  size_t rank = 0;
  zlg_dtype dtype;
  const void *data = NULL;
  size_t bytes = 0;
  int rc = 1;

  if (zlg_session_create(bundle, "host", 2, &s) != ZLG_OK) {
    snprintf(why, why_len, "create: %s", zlg_last_error());
    return 1;
  }
  if (strcmp(zlg_session_device(s), "host") != 0) {
    snprintf(why, why_len, "device is %s", zlg_session_device(s));
    goto done;
  }
  if (zlg_session_input_count(s) != 1 || zlg_session_output_count(s) != 2 ||
      strcmp(zlg_session_input_name(s, 0), "x") != 0 ||
      strcmp(zlg_session_output_name(s, 1), "z") != 0 ||
      zlg_session_input_name(s, 1) != NULL) {
    snprintf(why, why_len, "unexpected inputs or outputs");
    goto done;
  }
  if (zlg_session_input_shape(s, 0, &dims, &rank) != ZLG_OK || rank != 1 ||
      dims[0] != (int64_t)n ||
      zlg_session_output_dtype(s, 0, &dtype) != ZLG_OK ||
      dtype != ZLG_DTYPE_F32 || zlg_dtype_size(dtype) != 4 ||
      strcmp(zlg_dtype_name(dtype), "f32") != 0) {
    snprintf(why, why_len, "unexpected shape or dtype");
    goto done;
  }
  if (zlg_session_input_shape(s, 3, &dims, &rank) !=
          ZLG_ERROR_INVALID_ARGUMENT ||
      strcmp(zlg_last_error(), "no input #3") != 0) {
    snprintf(why, why_len, "out-of-range input accepted: %s", zlg_last_error());
    goto done;
  }
  if (zlg_session_run(s) != ZLG_ERROR_INVALID_ARGUMENT ||
      strcmp(zlg_last_error(), "input 'x' is not set") != 0) {
    snprintf(why, why_len, "run without inputs: %s", zlg_last_error());
    goto done;
  }
  if (zlg_session_set_input(s, "x", x, n * sizeof(float) - 4) !=
      ZLG_ERROR_INVALID_ARGUMENT) {
    snprintf(why, why_len, "short input accepted");
    goto done;
  }
  if (zlg_session_get_output(s, "y", &data, &bytes) !=
      ZLG_ERROR_INVALID_ARGUMENT) {
    snprintf(why, why_len, "output before run accepted");
    goto done;
  }
  if (zlg_session_set_input(s, "x", x, n * sizeof(float)) != ZLG_OK ||
      zlg_session_run(s) != ZLG_OK) {
    snprintf(why, why_len, "run: %s", zlg_last_error());
    goto done;
  }
  if (zlg_session_get_output(s, "y", &data, &bytes) != ZLG_OK ||
      bytes != n * sizeof(float)) {
    snprintf(why, why_len, "get_output: %s", zlg_last_error());
    goto done;
  }
  memcpy(y, data, bytes);
  rc = 0;
done:
  zlg_session_destroy(s);
  return rc;
}

/* test-onnx-reader.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parts of the test-onnx-reader program: each adds its test cases.
 */
#pragma once

void fm_test_onnx_malformed_add (void);
void fm_test_onnx_convert_add   (void);

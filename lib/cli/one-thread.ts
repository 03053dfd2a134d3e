/**
 * Imported first by the command line, before anything loads tfjs-node: TensorFlow reads
 * TF_NUM_INTRAOP_THREADS once, when it starts. One thread is the fastest setting here (make bench)
 * and the one every committed run was trained with — and the thread count shows in the last digits
 * of ReLU runs on the full data (TensorFlow splits some kernels' sums between threads), so training
 * from the command line uses it too unless the caller chose otherwise.
 */
process.env.TF_NUM_INTRAOP_THREADS ??= '1';
process.env.TF_NUM_INTEROP_THREADS ??= '1';

/**
 * Checkpoints in the safetensors format: {@link org.secateur.io.Safetensors} reads and writes them,
 * {@link org.secateur.io.Checkpoint} holds their named {@link org.secateur.io.TensorEntry entries} and metadata, and
 * {@link org.secateur.io.AtomicFile} replaces files so that a failed write never leaves a partial one.
 */
package org.secateur.io;

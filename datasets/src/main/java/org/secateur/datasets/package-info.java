/**
 * Datasets for Secateur: strict readers of the IDX (MNIST, Fashion-MNIST, KMNIST) and CIFAR-10 binary formats,
 * lookup and SHA-256-verified download of those datasets ({@link org.secateur.datasets.DatasetStore}), small real and
 * synthetic sets (MONK's problems, spirals, XOR, blobs, teacher-student), and a seeded, prefetching
 * {@link org.secateur.datasets.DataLoader} that yields engine tensors.
 *
 * <p>Malformed data raises {@link org.secateur.datasets.DatasetFormatException} naming the file, the field and the
 * byte offset; misuse of the API raises {@link IllegalArgumentException} naming the argument, its value and what was
 * expected.
 */
package org.secateur.datasets;

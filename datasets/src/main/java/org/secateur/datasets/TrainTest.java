package org.secateur.datasets;

/**
 * A dataset's training and test parts.
 *
 * @param train the training part
 * @param test the held-out test part
 */
public record TrainTest<T>(T train, T test) {}

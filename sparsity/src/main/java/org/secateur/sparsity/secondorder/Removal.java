package org.secateur.sparsity.secondorder;

/**
 * One weight removed by {@link Obs}: which, its value before, the error predicted for it and the total so far.
 *
 * @param step       1 for the first removal
 * @param index      the entry in the {@link ParameterVector}
 * @param name       the entry as {@code parameter[flat index]}
 * @param weight     {@code w_q} before the removal
 * @param error      {@code E_q = w_q^2 / (2 [H^-1]_qq)}, the predicted loss increase (Hassibi &amp; Stork 1993, eq. 6)
 * @param totalError the sum of {@code error} over this and the earlier removals
 * @param alive      unpruned entries left after this removal
 * @param size       entries in the vector
 */
public record Removal(int step, int index, String name, double weight, double error, double totalError, int alive,
                      int size) {

    /** The fraction of the vector pruned after this removal. */
    public double sparsity() {
        return 1 - (double) alive / size;
    }
}

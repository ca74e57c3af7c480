package dev.txc.tests.golden;

import java.util.ArrayList;
import java.util.List;

/** A line-based unified diff (longest common subsequence), for golden-test failures. */
final class Diff {
    private Diff() {}

    static String unified(String expected, String actual) {
        String[] a = expected.split("\n", -1), b = actual.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--)
            for (int j = b.length - 1; j >= 0; j--)
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        List<String> out = new ArrayList<>();
        out.add("--- expected");
        out.add("+++ actual");
        int i = 0, j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                out.add("  " + a[i++]);
                j++;
            } else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) out.add("+ " + b[j++]);
            else out.add("- " + a[i++]);
        }
        return String.join("\n", out);
    }
}

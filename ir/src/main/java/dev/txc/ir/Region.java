package dev.txc.ir;

import java.util.List;

/**
 * A nested body (of {@code scan}): parameter nodes at one nesting {@code level}, and result nodes.
 * Body nodes are ordinary interned nodes; a node belongs to the body when it depends on these params,
 * and everything else it uses is captured from enclosing scopes. The level exceeds the level of every
 * region parameter the body captures, so regions intern structurally (de Bruijn levels).
 */
public record Region(int level, List<Node> params, List<Node> results) {
    public Region {
        params = List.copyOf(params);
        results = List.copyOf(results);
        if (level < 0 || level >= 62) throw new IllegalArgumentException("region level " + level);
        for (int k = 0; k < params.size(); k++) {
            Node p = params.get(k);
            if (p.op() != Op.REGION_PARAM || p.attrs().lng("level") != level || p.attrs().lng("index") != k)
                throw new IllegalArgumentException("bad region param " + k);
        }
    }

    /** The smallest level usable for a region whose body captures {@code captured}. */
    public static int levelAbove(List<Node> captured) {
        int l = -1;
        for (Node n : captured) l = Math.max(l, n.level());
        return l + 1;
    }

    @Override
    public String toString() {
        return "region(level=" + level + ", params=" + params.size() + ", results=" + results.size() + ")";
    }
}

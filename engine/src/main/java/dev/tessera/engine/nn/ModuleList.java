package dev.tessera.engine.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Children named 0, 1, 2, ... ({@code blocks.3.attn...}). */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    public M append(M m) {
        add(Integer.toString(items.size()), m);
        items.add(m);
        return m;
    }

    public M get(int i) { return items.get(i); }

    public int size() { return items.size(); }

    @Override
    public Iterator<M> iterator() { return items.iterator(); }
}

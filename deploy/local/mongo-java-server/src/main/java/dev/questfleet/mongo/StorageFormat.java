package dev.questfleet.mongo;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Records in the MVStore file which encoding its collections use, so a file is never read with the
 * other one (MVStore keeps no type information: a mismatch would read garbage, not fail).
 */
final class StorageFormat {

    /** BSON documents; the _id index is the document map itself ({@link QfIdIndex}). */
    static final String BSON = "qf-bson-2";
    /** BSON documents with a separate _id index map: opened as {@link #BSON} after removing those maps. */
    static final String BSON_WITH_ID_MAP = "qf-bson-1";
    static final String STOCK = "mongo-java-server-h2";

    private static final String MAP = "qf.storage";
    private static final String KEY = "format";
    private static final String DATA_PREFIX = "databases.";
    /** How H2Database names the map of a collection's _id index. */
    private static final String ID_INDEX_SUFFIX = "._index__id_";

    private StorageFormat() {
    }

    /** Marks an empty store with the wanted format, or checks that a used one has it. */
    static void claim(MVStore store, String wanted) {
        MVMap<String, String> marker = store.openMap(MAP);
        String found = marker.get(KEY);
        if (found == null) {
            boolean hasData = store.getMapNames().stream().anyMatch(name -> name.startsWith(DATA_PREFIX));
            found = hasData ? STOCK : wanted;
            marker.put(KEY, found);
            store.commit();
        }
        if (BSON.equals(wanted) && BSON_WITH_ID_MAP.equals(found)) {
            // Every _id index is answered from the document maps now: the old copies go, then the marker
            // moves on, so a server of the older format refuses the file instead of missing new ids.
            store.getMapNames().stream().filter(name -> name.endsWith(ID_INDEX_SUFFIX)).forEach(store::removeMap);
            marker.put(KEY, BSON);
            store.commit();
            found = BSON;
        }
        if (!found.equals(wanted)) {
            throw new IllegalStateException("the data file holds format '" + found + "' but this server writes '" + wanted
                + "' (" + (STOCK.equals(found) ? "start it with --plain-h2" : "start it without --plain-h2")
                + ", or remove the file to start empty)");
        }
    }
}

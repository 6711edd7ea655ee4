package dev.questfleet.mongo;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.Iterator;
import java.util.List;
import java.util.Map.Entry;

import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;

/**
 * The {@code _id_} index, answered from the collection's own document map. The documents are already
 * keyed by {@code _id} (compared in Mongo's value order, so {@code 1} and {@code 1.0} are one key), and
 * mongo-java-server's H2 backend kept a second map from {@code _id} to {@code _id} besides: every insert and
 * delete wrote two B-trees, and MVStore rewrites every page a commit touched. Here the uniqueness check and
 * the lookups read the document map, and adding or removing a document writes it once
 * ({@link BsonCollection} does). Stores from before this index ({@link StorageFormat#BSON_WITH_ID_MAP})
 * have their old {@code _id_} maps removed when opened.
 */
final class QfIdIndex extends AbstractUniqueIndex<Object> {

    static final String NAME = "_id_";

    private final MVMap<Object, byte[]> documents;

    QfIdIndex(MVMap<Object, byte[]> documents, List<IndexKey> keys) {
        super(NAME, keys, false);
        this.documents = documents;
    }

    /** Whether an index definition is the _id index this class stands in for. */
    static boolean isIdIndex(String name, List<IndexKey> keys) {
        return NAME.equals(name) && keys.size() == 1 && "_id".equals(keys.get(0).getKey());
    }

    /**
     * The stored _id Mongo calls equal to the one asked for (the index asks with normalized values: 3.0 for a
     * stored 3). The document map orders keys by Mongo order first and by encoding only among equal values,
     * so the keys equal to it are contiguous and the nearest key on one side or the other is one of them.
     */
    @Override
    protected Object getPosition(KeyValue keyValue) {
        Object key = Missing.ofNullable(keyValue.get(0));
        Object floor = documents.floorKey(key);
        if (floor != null && StorageTypes.mongoEqual(floor, key)) {
            return positionOf(floor);
        }
        Object ceiling = documents.ceilingKey(key);
        return ceiling != null && StorageTypes.mongoEqual(ceiling, key) ? positionOf(ceiling) : null;
    }

    /**
     * Called after the collection stored the document (checkAdd ran before, and the document map refuses a
     * second document under an equal _id): nothing is left to write or check.
     */
    @Override
    public synchronized void add(Document document, Object position, MongoCollection<Object> collection) {
    }

    @Override
    protected boolean putKeyPosition(KeyValue keyValue, Object position) {
        // The collection wrote the document under its _id already (after checkAdd found none).
        return true;
    }

    @Override
    protected Object removeDocument(KeyValue keyValue) {
        // The collection removes the document itself; the position is what the caller needs.
        return getPosition(keyValue);
    }

    @Override
    protected Iterable<Entry<KeyValue, Object>> getIterable() {
        return () -> {
            Iterator<Object> keys = documents.keyIterator(null);
            return new Iterator<Entry<KeyValue, Object>>() {
                @Override
                public boolean hasNext() {
                    return keys.hasNext();
                }

                @Override
                public Entry<KeyValue, Object> next() {
                    Object position = positionOf(keys.next());
                    return new SimpleImmutableEntry<>(new KeyValue(position), position);
                }
            };
        };
    }

    /** Positions are the stored keys, {@link Missing} for a null _id (as {@link QfUniqueIndex} keeps them). */
    private static Object positionOf(Object storedKey) {
        return storedKey;
    }

    @Override
    public long getCount() {
        return documents.sizeAsLong();
    }

    @Override
    public boolean isEmpty() {
        return documents.isEmpty();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }
}

package dev.questfleet.mongo;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.util.List;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Database;

/**
 * {@link H2Database} that opens {@link QfH2Collection}s and {@link QfUniqueIndex}es over the same MVStore map
 * names, but with BSON storage types ({@link StorageTypes}) instead of MVStore's Java serialization, and
 * keeps non-unique indexes ({@link QfSecondaryIndex}) instead of ignoring them.
 */
final class QfH2Database extends H2Database {

    // Map names as H2Database names them (its constants are not public).
    private static final String DATABASES_PREFIX = "databases.";
    private static final String META_PREFIX = "meta.";

    /** H2Database's constructor opens existing collections before this class's fields are assigned. */
    private static final ThreadLocal<MVStore> CONSTRUCTING = new ThreadLocal<>();

    private final MVStore mvStore;

    static QfH2Database open(String databaseName, MVStore mvStore, CursorRegistry cursorRegistry) {
        CONSTRUCTING.set(mvStore);
        try {
            return new QfH2Database(databaseName, mvStore, cursorRegistry);
        } finally {
            CONSTRUCTING.remove();
        }
    }

    private QfH2Database(String databaseName, MVStore mvStore, CursorRegistry cursorRegistry) {
        super(databaseName, mvStore, cursorRegistry);
        this.mvStore = mvStore;
    }

    private MVStore store() {
        return mvStore != null ? mvStore : CONSTRUCTING.get();
    }

    /** The documents of a collection, keyed by _id (MVStore hands out the same map to every opener). */
    private MVMap<Object, byte[]> documents(String collectionName) {
        return store().openMap(DATABASES_PREFIX + getFullCollectionNamespace(collectionName),
            new MVMap.Builder<Object, byte[]>()
                .keyType(StorageTypes.ValueType.INSTANCE)
                .valueType(StorageTypes.BsonBytesType.INSTANCE));
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        String fullCollectionName = getFullCollectionNamespace(collectionName);
        MVMap<Object, byte[]> dataMap = documents(collectionName);
        MVMap<String, Object> metaMap = store().openMap(META_PREFIX + fullCollectionName);
        return new QfH2Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry);
    }

    @Override
    protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                    boolean sparse) {
        if (QfIdIndex.isIdIndex(indexName, keys) && !sparse) {
            return new QfIdIndex(documents(collectionName), keys);
        }
        // The map name H2Database gives an index (its helper is private).
        String mapName = getFullCollectionNamespace(collectionName) + "._index_" + indexName;
        MVMap<KeyValue, Object> positions = store().openMap(mapName,
            new MVMap.Builder<KeyValue, Object>()
                .keyType(StorageTypes.KeyValueType.INSTANCE)
                .valueType(StorageTypes.ValueType.INSTANCE));
        return new QfUniqueIndex(positions, indexName, keys, sparse);
    }

    @Override
    protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                       boolean sparse) {
        // A map created here for an index declared earlier starts empty, and the collection then fills it.
        boolean[] descending = new boolean[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            descending[i] = !keys.get(i).isAscending();
        }
        MVMap<KeyValue, Boolean> entries = store().openMap(secondaryIndexMap(collectionName, indexName),
            new MVMap.Builder<KeyValue, Boolean>().keyType(new StorageTypes.KeyValueType(descending)));
        return new QfSecondaryIndex(entries, indexName, keys, sparse);
    }

    @Override
    protected void dropIndex(MongoCollection<Object> collection, String indexName) {
        super.dropIndex(collection, indexName);
        store().removeMap(secondaryIndexMap(collection.getCollectionName(), indexName));
    }

    /** Not H2Database's index map name: these maps are ordered by index direction (older ones were not). */
    private String secondaryIndexMap(String collectionName, String indexName) {
        return getFullCollectionNamespace(collectionName) + "._sidx_" + indexName;
    }
}

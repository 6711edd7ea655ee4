package dev.questfleet.mongo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * A non-unique index (mongo-java-server 1.47 ignores them, so every query on such a field scanned the
 * collection). Its map holds one entry per indexed value combination of a document, with the document's
 * position (its _id) appended, so equal values of different documents are different keys.
 *
 * <p>It answers queries that compare the index's first field with a plain value ({@code {roomId: "r1"}},
 * with or without more conditions): the candidates are the documents with that value there (or holding
 * it in an array), and the query code applies the whole filter to them, as after any index lookup.
 * Ranges, operators and sorts are left to the scan.
 */
final class QfSecondaryIndex extends Index<Object> {

    private static final String ID = "_id";

    private final MVMap<KeyValue, Boolean> entries;
    private final String firstField;

    QfSecondaryIndex(MVMap<KeyValue, Boolean> entries, String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        this.entries = entries;
        this.firstField = keys.get(0).getKey();
    }

    @Override
    public Object getPosition(Document document) {
        // Not unique: a document cannot be found by its values alone.
        return null;
    }

    @Override
    public void checkAdd(Document document, MongoCollection<Object> collection) {
        // No constraint to check.
    }

    @Override
    public void add(Document document, Object position, MongoCollection<Object> collection) {
        for (KeyValue key : indexedKeys(document)) {
            entries.put(withPosition(key, position), Boolean.TRUE);
        }
    }

    @Override
    public Object remove(Document document) {
        Object position = document.get(ID);
        for (KeyValue key : indexedKeys(document)) {
            entries.remove(withPosition(key, position));
        }
        return position;
    }

    @Override
    public boolean canHandle(Document query) {
        if (ID.equals(firstField) || !query.containsKey(firstField)) {
            return false;
        }
        Object value = query.get(firstField);
        return value instanceof String || value instanceof Number || value instanceof Boolean
            || value instanceof ObjectId || value instanceof Instant;
    }

    @Override
    public Iterable<Object> getPositions(Document query) {
        Object value = new KeyValue(query.get(firstField)).normalized().get(0);
        List<Object> from = new ArrayList<>(Collections.nCopies(getKeys().size() + 1, MinKey.getInstance()));
        from.set(0, value);
        Set<Object> positions = new LinkedHashSet<>();
        Iterator<KeyValue> keys = entries.keyIterator(new KeyValue(from));
        while (keys.hasNext()) {
            KeyValue key = keys.next();
            if (StorageTypes.compareValues(key.get(0), value) != 0) {
                break;
            }
            Object position = key.get(key.size() - 1);
            positions.add(position instanceof Missing ? null : position);
        }
        return positions;
    }

    @Override
    public long getCount() {
        return entries.sizeAsLong();
    }

    @Override
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Object> collection) {
        // No constraint to check.
    }

    @Override
    public void updateInPlace(Document oldDocument, Document newDocument, Object position,
                              MongoCollection<Object> collection) {
        Set<KeyValue> before = indexedKeys(oldDocument);
        Set<KeyValue> after = indexedKeys(newDocument);
        if (Objects.equals(before, after)) {
            return;
        }
        for (KeyValue key : before) {
            if (!after.contains(key)) {
                entries.remove(withPosition(key, position));
            }
        }
        for (KeyValue key : after) {
            entries.put(withPosition(key, position), Boolean.TRUE);
        }
    }

    @Override
    public void drop() {
        entries.clear();
    }

    /** The document's (normalized) key values; none when the index is sparse and the fields are all absent. */
    private Set<KeyValue> indexedKeys(Document document) {
        if (isSparse() && getKeys().stream().allMatch(key -> Missing.isNullOrMissing(Utils.getSubdocumentValue(document, key.getKey())))) {
            return Collections.emptySet();
        }
        return getKeyValues(document);
    }

    private static KeyValue withPosition(KeyValue key, Object position) {
        List<Object> values = new ArrayList<>(key.size() + 1);
        key.forEach(values::add);
        values.add(Missing.ofNullable(position));
        return new KeyValue(values);
    }
}

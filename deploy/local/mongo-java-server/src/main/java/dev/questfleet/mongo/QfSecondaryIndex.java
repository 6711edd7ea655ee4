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
import de.bwaldvogel.mongo.bson.MaxKey;
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
 * Its entries are kept in the index's own order (each field in its direction), so a sort on exactly the
 * index's keys reads them in sequence ({@link #positionsInOrder}, used by {@link QfH2Collection}).
 * A range on the first field ({@code {outboxSince: {$gte: t}}}, any of $gt/$gte/$lt/$lte with plain bounds)
 * is answered the same way when that field is ascending: the candidates are the entries from the lower bound
 * (or the start) up to the upper bound (or the end), a superset the full filter then narrows. Other operators
 * are left to the scan.
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
        return isPlainValue(value) || (getKeys().get(0).isAscending() && isRange(value));
    }

    private static boolean isPlainValue(Object value) {
        return value instanceof String || value instanceof Number || value instanceof Boolean
            || value instanceof ObjectId || value instanceof Instant;
    }

    /** {$gt/$gte/$lt/$lte: plain value, ...}, at least one of them and nothing else. */
    private static boolean isRange(Object value) {
        if (!(value instanceof Document) || ((Document) value).isEmpty()) {
            return false;
        }
        Document operators = (Document) value;
        for (String operator : operators.keySet()) {
            if (!RANGE_OPERATORS.contains(operator) || !isPlainValue(operators.get(operator))) {
                return false;
            }
        }
        return true;
    }

    private static final Set<String> RANGE_OPERATORS = Set.of("$gt", "$gte", "$lt", "$lte");

    @Override
    public Iterable<Object> getPositions(Document query) {
        Object condition = query.get(firstField);
        Object lower;
        Object upper;
        if (condition instanceof Document) {
            Document range = (Document) condition;
            lower = normalized(range.containsKey("$gte") ? range.get("$gte") : range.get("$gt"));
            upper = normalized(range.containsKey("$lte") ? range.get("$lte") : range.get("$lt"));
        } else {
            lower = normalized(condition);
            upper = lower;
        }
        Set<Object> positions = new LinkedHashSet<>();
        // From the lowest key with the lower bound (or the first key): every later element at the start
        // of its direction.
        Iterator<KeyValue> keys = entries.keyIterator(lower == null ? null : lowestKeyWith(lower));
        while (keys.hasNext()) {
            KeyValue key = keys.next();
            if (upper != null && StorageTypes.compareValues(key.get(0), upper) > 0) {
                break;
            }
            Object position = key.get(key.size() - 1);
            positions.add(position instanceof Missing ? null : position);
        }
        return positions;
    }

    private static Object normalized(Object value) {
        return value == null ? null : new KeyValue(value).normalized().get(0);
    }

    private KeyValue lowestKeyWith(Object first) {
        List<Object> from = new ArrayList<>(getKeys().size() + 1);
        from.add(first);
        for (IndexKey key : getKeys().subList(1, getKeys().size())) {
            from.add(key.isAscending() ? MinKey.getInstance() : MaxKey.getInstance());
        }
        from.add(MinKey.getInstance());
        return new KeyValue(from);
    }

    /**
     * Whether a sort specification is exactly this index's keys, in order and direction, optionally followed
     * by {@code _id: 1} (never for a sparse index: the documents it leaves out still belong in a sorted
     * result).
     */
    boolean sortsLike(Document orderBy) {
        List<IndexKey> keys = new ArrayList<>(getKeys());
        // Entries end with the document's _id, ascending: a trailing {_id: 1} tie-break is in the order too.
        if (keys.stream().noneMatch(key -> ID.equals(key.getKey()))) {
            keys.add(new IndexKey(ID, true));
        }
        if (isSparse() || orderBy == null || orderBy.size() > keys.size() || orderBy.size() < getKeys().size()) {
            return false;
        }
        int i = 0;
        for (String field : orderBy.keySet()) {
            Object direction = orderBy.get(field);
            IndexKey key = keys.get(i++);
            if (!key.getKey().equals(field) || !(direction instanceof Number)) {
                return false;
            }
            if ((((Number) direction).doubleValue() > 0) != key.isAscending()) {
                return false;
            }
        }
        return true;
    }

    /** The positions of the indexed documents in index order (a document holding arrays may repeat). */
    Iterator<Object> positionsInOrder() {
        Iterator<KeyValue> keys = entries.keyIterator(null);
        return new Iterator<Object>() {
            @Override
            public boolean hasNext() {
                return keys.hasNext();
            }

            @Override
            public Object next() {
                Object position = keys.next().get(getKeys().size());
                return position instanceof Missing ? null : position;
            }
        };
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

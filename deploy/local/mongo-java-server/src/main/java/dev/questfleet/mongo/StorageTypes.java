package dev.questfleet.mongo;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;

/**
 * MVStore data types for the maps of a collection, encoding in BSON ({@link BsonStorage}) and comparing
 * with Mongo's own value order instead of serialized bytes. Only the order inside a map changes, which
 * nothing depends on (results are sorted by the query code), so query results are the same as with
 * the stock backend; the file format is not, hence the format marker ({@link StorageFormat}).
 */
final class StorageTypes {

    private static final ValueComparator ORDER = ValueComparator.ascWithoutListHandling();

    private StorageTypes() {
    }

    /** Whether Mongo calls two values equal (1 and 1.0 are; the maps still keep them apart, see below). */
    static boolean mongoEqual(Object a, Object b) {
        return ORDER.compare(a, b) == 0;
    }

    /** Mongo order, then (for values it calls equal that Java does not, like 1 and 1.0) the encodings. */
    static int compareValues(Object a, Object b) {
        // Any total order consistent with equality serves a map; the common key types skip the
        // general comparison, which looks each value's type up in a list.
        if (a instanceof String && b instanceof String) {
            return ((String) a).compareTo((String) b);
        }
        if (a instanceof Double && b instanceof Double) {
            return Double.compare((Double) a, (Double) b);
        }
        int order = ORDER.compare(a, b);
        if (order != 0 || Objects.equals(a, b)) {
            return order;
        }
        return BsonStorage.compareBytes(BsonStorage.encodeValue(a), BsonStorage.encodeValue(b));
    }

    /** The stored documents (values of the data map), already encoded: written and read as they are. */
    static final class BsonBytesType extends BasicDataType<byte[]> {
        static final BsonBytesType INSTANCE = new BsonBytesType();

        @Override
        public int getMemory(byte[] document) {
            return 24 + document.length;
        }

        @Override
        public void write(WriteBuffer buffer, byte[] document) {
            buffer.put(document);
        }

        @Override
        public byte[] read(ByteBuffer buffer) {
            return BsonStorage.readDocumentBytes(buffer);
        }

        @Override
        public byte[][] createStorage(int size) {
            return new byte[size][];
        }

        @Override
        public int compare(byte[] a, byte[] b) {
            return BsonStorage.compareBytes(a, b);
        }
    }

    /** Single values: the keys of a data map (document _ids) and the positions an index points to. */
    static final class ValueType extends BasicDataType<Object> {
        static final ValueType INSTANCE = new ValueType();

        @Override
        public int getMemory(Object value) {
            return value instanceof String ? 40 + 2 * ((String) value).length() : 48;
        }

        @Override
        public void write(WriteBuffer buffer, Object value) {
            buffer.put(BsonStorage.encodeValue(value));
        }

        @Override
        public Object read(ByteBuffer buffer) {
            return BsonStorage.readValue(buffer);
        }

        @Override
        public Object[] createStorage(int size) {
            return new Object[size];
        }

        @Override
        public int compare(Object a, Object b) {
            return compareValues(a, b);
        }
    }

    /**
     * The keys of an index: the document's (normalized) values of the indexed fields, compared field by
     * field, each in its index direction (a secondary index keeps its entries in the index's own order, so
     * a sort on exactly its keys reads them in sequence).
     */
    static final class KeyValueType extends BasicDataType<KeyValue> {
        /** All ascending: unique indexes, whose order nothing reads. */
        static final KeyValueType INSTANCE = new KeyValueType(new boolean[0]);

        private final boolean[] descending;

        /** Directions of the leading elements (true = descending); elements past them are ascending. */
        KeyValueType(boolean[] descending) {
            this.descending = descending.clone();
        }

        @Override
        public int getMemory(KeyValue key) {
            return 32 + 48 * key.size();
        }

        @Override
        public void write(WriteBuffer buffer, KeyValue key) {
            buffer.put(BsonStorage.encodeValues(key.stream().collect(Collectors.toList())));
        }

        @Override
        public KeyValue read(ByteBuffer buffer) {
            List<Object> values = BsonStorage.readValues(buffer);
            return new KeyValue(values);
        }

        @Override
        public KeyValue[] createStorage(int size) {
            return new KeyValue[size];
        }

        @Override
        public int compare(KeyValue a, KeyValue b) {
            int shared = Math.min(a.size(), b.size());
            for (int i = 0; i < shared; i++) {
                int order = compareValues(a.get(i), b.get(i));
                if (order != 0) {
                    return i < descending.length && descending[i] ? -order : order;
                }
            }
            return Integer.compare(a.size(), b.size());
        }
    }
}

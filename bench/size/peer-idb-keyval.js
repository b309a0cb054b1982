export { get, set, del, getMany, setMany } from 'idb-keyval';

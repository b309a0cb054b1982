export { default } from 'localforage';

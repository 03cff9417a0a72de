// tests/api/lib/customer.js — check characters for test data of the customer record
// (CUS-1): resident IDs (GB 11643) and unified social credit codes (GB 32100).
const W_ID = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export function residentIdCheck(first17) {
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * W_ID[i], 0);
  return '10X98765432'[sum % 11];
}
// residentId('19800101', 'M', n) → an 18-character ID born that day, odd sequence for men.
export function residentId(birth, gender = 'M', n = 1) {
  const seq = String(2 * (n % 400) + (gender === 'M' ? 1 : 2)).padStart(3, '0');
  const first = `330102${birth}${seq}`;
  return first + residentIdCheck(first);
}
const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const W_USCC = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
export function usccCheck(first17) {
  const sum = [...first17].reduce((s, c, i) => s + USCC.indexOf(c) * W_USCC[i], 0);
  const c = 31 - (sum % 31);
  return USCC[c === 31 ? 0 : c];
}
export function uscc(n = 1) {
  const first = `91330102MA${String(n).padStart(6, '0')}0`.slice(0, 17);
  return first + usccCheck(first);
}

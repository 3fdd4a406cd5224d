/** Digits of a card number written with or without spaces or dashes. */
export const cardDigits = (number: string): string => number.replace(/[\s-]/g, '');

/** The Luhn (mod 10) check used by every card network. */
export const passesLuhn = (digits: string): boolean => {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
};

export const isValidCardNumber = (number: string): boolean => {
  const digits = cardDigits(number);
  return /^[0-9]{12,19}$/.test(digits) && passesLuhn(digits);
};

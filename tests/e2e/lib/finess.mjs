// Valid FINESS numbers for generated registries: 2-character département, 6-digit serial, and a
// check digit such that the Luhn (mod 10) sum over all 9 digits is a multiple of 10.

export function luhnValid(number) {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function finess(departement, serial) {
  const body = `${departement}${String(serial).padStart(6, '0')}`;
  for (let key = 0; key <= 9; key++) {
    if (luhnValid(body + key)) return body + key;
  }
  throw new Error('unreachable');
}

// CSV registry (PROTOCOL.md --registry): `count` EHPAD of one EJ in one département.
export function registryCsv({departement, ej, ejName, count, first = 1}) {
  const lines = ['finess,ej,name,category,departement,commune,ej_name'];
  for (let i = 0; i < count; i++) {
    const f = finess(departement, first + i);
    lines.push(`${f},${ej},EHPAD Banc d'essai ${i + 1},500,${departement},Bordeaux,${ejName}`);
  }
  return `${lines.join('\n')}\n`;
}

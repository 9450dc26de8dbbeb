let x 5

grammar Tx;
file_ : EOF ;
